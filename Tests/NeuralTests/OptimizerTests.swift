import XCTest

@testable import Neural

final class OptimizerTests: XCTestCase {
    /// Adam against a Double twin of torch.optim.Adam over several steps, and its first-step property:
    /// with bias correction the first update is lr·g/(|g| + ε) ≈ lr·sign(g).
    func testAdamMatchesTwin() {
        var p: [Float] = [0.5, -1, 2, 0.01]
        var adam = Adam(learningRate: 0.1)
        adam.weightDecay = 0.01
        var tp = p.map(Double.init), tm = [Double](repeating: 0, count: 4), tv = tm
        let grads: [[Float]] = [[0.3, -0.2, 1, 0], [0.1, 0.1, -2, 1e-3], [-0.5, 0.4, 0.2, 0.5], [1, 1, 1, 1]]
        for (t, g) in grads.enumerated() {
            if t == 0 {
                var q = p; var fresh = Adam(learningRate: 0.1)
                fresh.step(parameters: &q, gradients: g)
                for i in 0..<3 { XCTAssertEqual(q[i], p[i] - 0.1 * (g[i] > 0 ? 1 : -1), accuracy: 1e-6) }
            }
            adam.step(parameters: &p, gradients: g)
            for i in 0..<4 {
                let gi = Double(g[i]) + 0.01 * tp[i]
                tm[i] = 0.9 * tm[i] + 0.1 * gi
                tv[i] = 0.999 * tv[i] + 0.001 * gi * gi
                let mh = tm[i] / (1 - pow(0.9, Double(t + 1))), vh = tv[i] / (1 - pow(0.999, Double(t + 1)))
                tp[i] -= 0.1 * mh / (vh.squareRoot() + 1e-8)
                XCTAssertEqual(Double(p[i]), tp[i], accuracy: 1e-5, "step \(t) parameter \(i)")
            }
        }
        XCTAssertEqual(adam.step, 4)
    }

    func testSGDMomentumMatchesPyTorchForm() {
        var p: [Float] = [1, 2]
        var sgd = SGD(learningRate: 0.1, momentum: 0.9)
        sgd.step(parameters: &p, gradients: [1, -1])  // b = g
        XCTAssertEqual(p, [0.9, 2.1])
        sgd.step(parameters: &p, gradients: [1, -1])  // b = 0.9·g + g = 1.9 g
        XCTAssertEqual(p[0], 0.71, accuracy: 1e-6)
        XCTAssertEqual(p[1], 2.29, accuracy: 1e-6)
    }

    func testCosineAnnealingMatchesClosedForm() {
        let s = CosineAnnealingLR(baseLearningRate: 1e-4, period: 1000, minimumLearningRate: 1e-6)
        XCTAssertEqual(s.learningRate(afterSteps: 0), 1e-4, accuracy: 1e-12)
        XCTAssertEqual(s.learningRate(afterSteps: 500), (1e-4 + 1e-6) / 2, accuracy: 1e-10)
        XCTAssertEqual(s.learningRate(afterSteps: 1000), 1e-6, accuracy: 1e-12)
        XCTAssertEqual(
            s.learningRate(afterSteps: 250), Float(1e-6 + (1e-4 - 1e-6) * (1 + cos(Double.pi / 4)) / 2), accuracy: 1e-10
        )
    }

    func testGradientClipping() {
        var g: [Float] = [3, 4]
        XCTAssertEqual(GradientClipping.clipNorm(&g, maxNorm: 1), 5)
        XCTAssertEqual(g[0], 0.6, accuracy: 1e-5); XCTAssertEqual(g[1], 0.8, accuracy: 1e-5)
        var small: [Float] = [0.1, 0.1]
        GradientClipping.clipNorm(&small, maxNorm: 1)
        XCTAssertEqual(small, [0.1, 0.1])
    }
}

final class SafeTensorsTests: XCTestCase {
    func header(_ json: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
        var out = Data()
        var n = (declaredLength ?? UInt64(json.utf8.count)).littleEndian
        withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
        out.append(contentsOf: Array(json.utf8))
        out.append(contentsOf: data)
        return out
    }

    func testRoundTripAndAtomicWrite() throws {
        let tensors = [
            "a.weight": SafeTensors.Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, -6.5]),
            "b": SafeTensors.Tensor(shape: [], values: [7]), "empty": SafeTensors.Tensor(shape: [0, 4], values: []),
        ]
        let data = try SafeTensors.serialize(tensors, metadata: ["format": "pt"])
        let (back, meta) = try SafeTensors.parse(data)
        XCTAssertEqual(back, tensors)
        XCTAssertEqual(meta, ["format": "pt"])
        // header length is a multiple of 8 and the layout is the documented one
        let len = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual(len % 8, 0)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(getpid()).safetensors").path
        try SafeTensors.write(tensors, to: path)
        XCTAssertEqual(try SafeTensors.read(path: path).tensors, tensors)
        try? FileManager.default.removeItem(atPath: path)
    }

    func testReadsAHandWrittenFile() throws {
        // two floats 1.0 and 2.0, little-endian
        let bytes: [UInt8] = [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40]
        let data = header(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: bytes)
        XCTAssertEqual(try SafeTensors.parse(data).tensors["x"]?.values, [1, 2])
    }

    func assertRejects(_ data: Data, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafeTensors.parse(data, source: "w.safetensors"), file: file, line: line) { error in
            let text = "\(error)"
            XCTAssertTrue(
                text.contains("w.safetensors") && text.contains(fragment), "'\(text)' lacks '\(fragment)'", file: file,
                line: line)
        }
    }

    func testMalformedFilesGetClearErrors() {
        let eight = [UInt8](repeating: 0, count: 8)
        assertRejects(Data([1, 2, 3]), "too short")
        assertRejects(header("{}", declaredLength: 1_000), "past the end")
        assertRejects(header("{not json"), "not valid JSON")
        assertRejects(header("[1, 2]"), "not a JSON object")
        assertRejects(
            header(#"{"x":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "dtype F16")
        assertRejects(header(#"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: eight), "needs 12 bytes")
        assertRejects(header(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}"#, data: eight), "outside")
        assertRejects(header(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, data: eight), "outside")
        assertRejects(header(#"{"x":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, data: eight), "shape entry")
        assertRejects(
            header(
                #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"y":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}"#,
                data: eight), "overlap")
        assertRejects(header(#"{"x":{"shape":[2],"data_offsets":[0,8]}}"#, data: eight), "missing dtype")
        assertRejects(header(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0]}}"#, data: eight), "data_offsets")
        assertRejects(header(#"{"__metadata__":{"a":1}}"#), "__metadata__.a")
    }

    /// The data buffer must be covered exactly (safetensors spec), and each tensor named once.
    func testDataBufferCoveredExactlyAndNamesUnique() throws {
        let eight = [UInt8](repeating: 0, count: 8)
        // a valid file with a header padded by two spaces, then the header length two bytes short: the JSON still
        // parses, and every tensor would be read two bytes off
        let json = #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}  "#
        XCTAssertNoThrow(try SafeTensors.parse(header(json, data: eight)))
        assertRejects(header(json, data: eight, declaredLength: UInt64(json.utf8.count - 2)), "belong to no tensor")
        assertRejects(
            header(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: eight + [1, 2, 3]),
            "3 data bytes after")
        assertRejects(
            header(#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: eight), "data bytes 0..<4")
        assertRejects(
            header(
                #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                data: eight), "'x' is named twice")
        // nested objects and escaped quotes are not mistaken for tensor names
        let nested = #"{"__metadata__":{"x":"a\"b","y":"{"},"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        XCTAssertEqual(try SafeTensors.parse(header(nested, data: eight)).tensors.count, 1)
    }

    func testNonFiniteWeightsAreRejectedWithTheirPlace() {
        let params = ParameterSet()
        params.add("w", shape: [2, 2])
        for bad in [Float.nan, .infinity, -.infinity] {
            let t = ["w": SafeTensors.Tensor(shape: [2, 2], values: [1, 2, bad, 4])]
            XCTAssertThrowsError(try params.load(t, source: "m.safetensors")) {
                XCTAssertTrue("\($0)".contains("m.safetensors: tensor 'w' value 2"), "\($0)")
            }
            XCTAssertEqual(params.values, [0, 0, 0, 0], "nothing loaded")
        }
    }

    func testParameterLoadingChecksNamesAndShapes() throws {
        let params = ParameterSet()
        params.add("w", shape: [2, 2])
        params.add("b", shape: [2])
        let good = [
            "w": SafeTensors.Tensor(shape: [2, 2], values: [1, 2, 3, 4]),
            "b": SafeTensors.Tensor(shape: [2], values: [5, 6]),
        ]
        try params.load(good, source: "m")
        XCTAssertEqual(params.values, [1, 2, 3, 4, 5, 6])
        XCTAssertThrowsError(try params.load(["w": good["w"]!], source: "m")) {
            XCTAssertTrue("\($0)".contains("missing tensor 'b'"))
        }
        var wrong = good; wrong["b"] = SafeTensors.Tensor(shape: [3], values: [1, 2, 3])
        XCTAssertThrowsError(try params.load(wrong, source: "m")) { XCTAssertTrue("\($0)".contains("shape [3]")) }
        var extra = good; extra["zzz"] = SafeTensors.Tensor(shape: [1], values: [0])
        XCTAssertThrowsError(try params.load(extra, source: "m")) {
            XCTAssertTrue("\($0)".contains("unexpected tensor 'zzz'"))
        }
        XCTAssertEqual(try SafeTensors.parse(SafeTensors.serialize(params.tensors)).tensors, params.tensors)
    }
}
