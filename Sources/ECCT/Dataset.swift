import Base
import Channels
import Codes
import Dispatch
import Foundation
import Neural

/// A fixed training set for the ECCT family (the data-centric recipe, SBND): zero-codeword channel outputs y and,
/// for each, the flips to predict, labelled by the channel's truth or by a decoder (typically OSD, near ML):
/// flip_j = hard(y_j) ⊕ ĉ_j with ĉ the label decoder's codeword (ĉ = 0 for `truth`).
///
/// On disk: a folder of shards `shard-NNNNN.safetensors` (tensors `y` and `flips`, [count, n], F32) and a manifest
/// `dataset.json`, all written atomically. Sample i comes from the generator of its 256-sample block
/// (`SeededRNG(seed).derived(block)`), so a dataset is a function of its settings, whatever the thread count.
public struct ECCTDataset: Sendable {
    public struct Manifest: Codable, Equatable, Sendable {
        public var format = "eccbench-dataset-1"
        public var code: String
        public var n: Int
        public var parityCheck: String
        public var ebN0: [Double]
        public var labels: String
        public var seed: UInt64
        public var samples: Int
        public var rejectZeroSyndrome: Bool
        public var shards: [String]
        /// Samples whose label differs from the channel's truth (the label decoder chose another codeword).
        public var labelsDifferingFromTruth: Int
        public var secondsToGenerate: Double
        /// The code's row-space fingerprint (`LinearCode.codeFingerprint`; nil in datasets written before it was kept).
        public var codeFingerprint: String?
    }

    public let manifest: Manifest
    /// y [samples, n] and flips [samples, n] (1 = the label says this bit was flipped).
    public let y: [Float]
    public let flips: [Float]
    public var count: Int { manifest.samples }

    public static let blockSize = 256
    public static let maxSamples = 100_000_000

    /// Generates a dataset in memory on `threads` workers; `label` nil is the truth. `progress` gets the samples done.
    public static func generate(
        code: LinearCode, ebN0: [Double], samples: Int, label: (any Decoder)?, labelName: String,
        seed: UInt64, rejectZeroSyndrome: Bool, threads: Int,
        progress: (@Sendable (Int) -> Void)? = nil
    ) throws -> ECCTDataset {
        guard (1...maxSamples).contains(samples) else {
            throw SettingsError("dataset: \(samples) samples must be in 1…\(maxSamples)")
        }
        let n = code.n
        try checkMemory(samples: samples, n: n)
        guard !ebN0.isEmpty, ebN0.allSatisfy({ $0.isFinite && abs($0) <= 40 }) else {
            throw SettingsError("dataset: Eb/N0 \(ebN0) must be finite values in −40…40 dB")
        }
        let started = Date()
        let sigmas = ebN0.map { Float(awgnSigma(ebN0dB: $0, rate: code.rate)) }
        let graph = code.tannerGraph
        var y = [Float](repeating: 0, count: samples * n), flips = [Float](repeating: 0, count: samples * n)
        let blocks = (samples + blockSize - 1) / blockSize
        let differing = UnsafeMutablePointer<Int>.allocate(capacity: blocks)
        differing.initialize(repeating: 0, count: blocks)
        defer { differing.deallocate() }
        // the ranks of a job each generate a contiguous share of the blocks, then every rank gathers the samples
        let group = Ranks.world
        let own = group.share(of: blocks)
        let next = BlockCounter()
        y.withUnsafeMutableBufferPointer { yb in
            flips.withUnsafeMutableBufferPointer { fb in
                let shared = UnsafeSendable((y: yb.baseAddress!, f: fb.baseAddress!, d: differing))
                DispatchQueue.concurrentPerform(iterations: max(1, min(threads, own.count))) { _ in
                    var llr = [Float](repeating: 0, count: blockSize * n),
                        bits = [UInt8](repeating: 0, count: blockSize * n)
                    var noise = [Float](repeating: 0, count: n)
                    while let j = next.take(limit: own.count) {
                        let b = own.lowerBound + j
                        let start = b * blockSize, count = min(blockSize, samples - start)
                        var rng = SeededRNG(seed: seed).derived(UInt64(b))
                        let ys = shared.value.y + start * n, fs = shared.value.f + start * n
                        var filled = 0, rounds = 0
                        while filled < count {
                            var gauss = GaussianGenerator(using: &rng)
                            gauss.fill(&noise)
                            let sigma = sigmas[Int(rng.next() % UInt64(sigmas.count))]
                            rounds += 1
                            for j in 0..<n { ys[filled * n + j] = 1 + sigma * noise[j] }
                            if rejectZeroSyndrome && rounds < 10_000 * count
                                && !ECCTData.hasNonzeroSyndrome(word: ys + filled * n, graph: graph)
                            {
                                continue
                            }
                            for j in 0..<n { llr[filled * n + j] = 2 * ys[filled * n + j] / (sigma * sigma) }
                            filled += 1
                        }
                        var d = 0
                        if let label {
                            llr.withUnsafeBufferPointer { l in
                                bits.withUnsafeMutableBufferPointer { label.decode(llr: l, count: count, into: $0) }
                            }
                            for s in 0..<count {
                                var differs = false
                                for j in 0..<n {
                                    let hard: UInt8 = ys[s * n + j] < 0 ? 1 : 0
                                    fs[s * n + j] = Float(hard ^ bits[s * n + j])
                                    if bits[s * n + j] != 0 { differs = true }
                                }
                                if differs { d += 1 }
                            }
                        } else {
                            for i in 0..<(count * n) { fs[i] = ys[i] < 0 ? 1 : 0 }
                        }
                        shared.value.d[b] = d
                        progress?(next.finished(count))
                    }
                }
            }
        }
        var differingTotal = (0..<blocks).reduce(0) { $0 + differing[$1] }
        if group.size > 1 {
            let rows = (0..<group.size).map { r -> Range<Int> in
                let share = type(of: group).share(of: blocks, rank: r, size: group.size)
                return min(samples, share.lowerBound * blockSize)..<min(samples, share.upperBound * blockSize)
            }
            let counts = rows.map { $0.count * n }, offsets = rows.map { $0.lowerBound * n }
            y.withUnsafeMutableBufferPointer { group.allGather($0.baseAddress!, counts: counts, offsets: offsets) }
            flips.withUnsafeMutableBufferPointer { group.allGather($0.baseAddress!, counts: counts, offsets: offsets) }
            differingTotal = group.sum([differingTotal])[0]
        }
        let manifest = Manifest(
            code: code.name, n: n, parityCheck: code.parityCheckFormKey, ebN0: ebN0,
            labels: labelName, seed: seed, samples: samples, rejectZeroSyndrome: rejectZeroSyndrome, shards: [],
            labelsDifferingFromTruth: differingTotal,
            secondsToGenerate: Date().timeIntervalSince(started), codeFingerprint: code.codeFingerprint)
        return ECCTDataset(manifest: manifest, y: y, flips: flips)
    }

    /// Throws unless `samples` words of n bits fit in memory (y and flips: 8·n bytes a sample, at most 16 GiB).
    public static func checkMemory(samples: Int, n: Int) throws {
        let (bytes, overflow) = samples.multipliedReportingOverflow(by: 8 * n)
        guard !overflow, bytes <= 16 << 30 else {
            throw SettingsError("dataset: \(samples) samples of n = \(n) need more than 16 GiB")
        }
    }

    /// Writes the shards and the manifest (each atomically) into `folder`, which must exist.
    public func write(to folder: String, shardSize: Int = 1 << 16) throws {
        let n = manifest.n
        var names: [String] = []
        var start = 0, index = 0
        while start < count {
            let k = min(shardSize, count - start)
            let name = String(format: "shard-%05d.safetensors", index)
            try SafeTensors.write(
                [
                    "y": Tensor(shape: [k, n], values: Array(y[(start * n)..<((start + k) * n)])),
                    "flips": Tensor(shape: [k, n], values: Array(flips[(start * n)..<((start + k) * n)])),
                ],
                metadata: [
                    "format": manifest.format, "code": manifest.code, "first_sample": String(start),
                    "code_fingerprint": manifest.codeFingerprint ?? "",
                ],
                to: folder + "/" + name)
            names.append(name)
            start += k; index += 1
        }
        var m = manifest
        m.shards = names
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(m), to: folder + "/dataset.json")
    }

    /// Reads a dataset folder, checking that it was made for this code (name, n and the form of H).
    public static func read(folder: String, code: LinearCode) throws -> ECCTDataset {
        let path = folder + "/dataset.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError("\(path): cannot read the file")
        }
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: data) } catch {
            throw CheckpointError("\(path): not a dataset manifest: \(error)")
        }
        guard manifest.format == "eccbench-dataset-1" else {
            throw CheckpointError("\(path): format '\(manifest.format)' is not eccbench-dataset-1")
        }
        guard (1...maxSamples).contains(manifest.samples) else {
            throw CheckpointError("\(path): 'samples' is \(manifest.samples); a dataset holds 1…\(maxSamples)")
        }
        guard !manifest.shards.isEmpty else { throw CheckpointError("\(path): 'shards' lists no shard file") }
        for shard in manifest.shards {
            // shards live in the dataset's own folder: a bare file name, never a path out of it
            guard !shard.isEmpty, !shard.contains("/"), !shard.contains("\\"), shard != ".", shard != ".." else {
                throw CheckpointError("\(path): shard '\(shard)' is not a file name in the dataset's folder")
            }
            guard FileManager.default.fileExists(atPath: folder + "/" + shard) else {
                throw CheckpointError("\(path): shard '\(shard)' is missing from \(folder)")
            }
        }
        guard manifest.code.lowercased() == code.name.lowercased(), manifest.n == code.n,
            (manifest.parityCheck == "standard") == code.isStandardForm
        else {
            throw CheckpointError(
                "\(path): the dataset is for \(manifest.code) (n = \(manifest.n), H \(manifest.parityCheck)), not "
                    + "\(code.name) (n = \(code.n), \(code.parityCheckForm))")
        }
        if let stored = manifest.codeFingerprint, stored != code.codeFingerprint {
            throw CheckpointError(
                "\(path): the dataset's code \(manifest.code) has another row space than the \(code.name) given "
                    + "(code fingerprints differ)")
        }
        do { try checkMemory(samples: manifest.samples, n: code.n) } catch let e as SettingsError {
            throw CheckpointError("\(path): \(e.message)")
        }
        var y: [Float] = [], flips: [Float] = []
        y.reserveCapacity(manifest.samples * code.n); flips.reserveCapacity(manifest.samples * code.n)
        for shard in manifest.shards {
            let file = folder + "/" + shard
            let (t, meta) = try SafeTensors.read(path: file)
            guard meta["code"]?.lowercased() == manifest.code.lowercased() else {
                throw CheckpointError(
                    "\(file): a shard of \(meta["code"].map { "'\($0)'" } ?? "no named code"), not of this dataset's "
                        + "\(manifest.code)")
            }
            if let stored = meta["code_fingerprint"], !stored.isEmpty, stored != manifest.codeFingerprint {
                throw CheckpointError(
                    "\(file): a shard of another code than the manifest's (its code fingerprint differs)")
            }
            guard y.count / code.n + (t["y"]?.shape.first ?? 0) <= manifest.samples else {
                throw CheckpointError("\(file): the shards hold more samples than the manifest's \(manifest.samples)")
            }
            guard let ys = t["y"], let fs = t["flips"], ys.shape.count == 2, ys.shape[1] == code.n, fs.shape == ys.shape
            else {
                throw CheckpointError("\(file): needs tensors 'y' and 'flips' of shape [count, \(code.n)]")
            }
            if let bad = ys.values.firstIndex(where: { !$0.isFinite }) {
                throw CheckpointError("\(file): 'y' value \(bad) is \(ys.values[bad])")
            }
            if let bad = fs.values.firstIndex(where: { $0 != 0 && $0 != 1 }) {
                throw CheckpointError("\(file): 'flips' value \(bad) is \(fs.values[bad]), not 0 or 1")
            }
            y += ys.values; flips += fs.values
        }
        guard y.count == manifest.samples * code.n else {
            throw CheckpointError(
                "\(path): the shards hold \(y.count / code.n) samples, the manifest says \(manifest.samples)")
        }
        return ECCTDataset(manifest: manifest, y: y, flips: flips)
    }

    /// The order in which epoch e visits the samples: a permutation drawn from (seed, e). Step s of a run takes the
    /// next B entries of its epoch's order, wrapping around when an epoch asks for more samples than there are.
    public func epochOrder(epoch: Int, seed: UInt64) -> [Int] {
        var rng = SeededRNG(seed: seed ^ 0xDA7A_5E7).derived(UInt64(epoch))
        var order = Array(0..<count)
        order.shuffle(using: &rng)
        return order
    }
}
