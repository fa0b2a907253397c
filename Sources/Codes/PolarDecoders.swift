/// Successive-cancellation list decoding of polar codes (Arıkan 2009; Tal & Vardy 2015), LLR-based path
/// metrics (Balatsoukas-Stimming, Bastani Parizi & Burg 2015). List size 1 is plain SC.
///
/// Natural order, x = u·F^{⊗p}: the LLRs of the first half of u come from f(a, b) = sign(a)sign(b)·min(|a|,|b|)
/// of the two halves of the channel LLRs; the second half from g = b + (1 − 2·x̂_left)·a. A path's metric
/// grows by |λ| whenever its decision disagrees with the sign of its leaf LLR λ. The surviving path with the
/// smallest metric is returned (re-encoded, so the output is always a codeword).
public struct PolarListDecoder: Decoder {
    public let name: String
    public let listSize: Int
    let n: Int
    let frozen: [Bool]

    /// Throws when the code carries no polar structure.
    public init(code: LinearCode, listSize: Int, name: String? = nil) throws {
        let label = name ?? (listSize == 1 ? "sc" : "scl\(listSize)")
        guard case .polar(let frozen) = code.structure else {
            throw CodeError(
                "decoder '\(label)': SC/SCL needs a polar code (POLAR-n-k, or a file whose H rows are columns of F^⊗p); \(code.name) is not one"
            )
        }
        guard (1...256).contains(listSize) else { throw CodeError("decoder '\(label)': list size must be in 1...256") }
        self.name = label
        self.listSize = listSize
        self.n = code.n
        self.frozen = frozen
    }

    public func decode(llr: UnsafeBufferPointer<Float>, count: Int, into bits: UnsafeMutableBufferPointer<UInt8>) {
        var state = ListState(n: n, listSize: listSize)
        for f in 0..<count {
            state.reset(llr: UnsafeBufferPointer(rebasing: llr[(f * n)..<((f + 1) * n)]))
            state.decode(size: n, llrOffset: 0, xOffset: 0, leafStart: 0, frozen: frozen)
            let winner = state.bestPath()
            for j in 0..<n { bits[f * n + j] = state.x[winner * n + j] }
        }
    }
}

/// Per-path buffers: LLRs per recursion level (sizes n, n/2, …, 1 stacked, 2n − 1 floats) and partial sums.
struct ListState {
    let n: Int
    let capacity: Int
    var llr: [Float]  // [capacity, 2n]
    var x: [UInt8]  // [capacity, n]
    var metric: [Float]  // [capacity]
    var active: Int = 1

    init(n: Int, listSize: Int) {
        self.n = n
        self.capacity = listSize
        llr = [Float](repeating: 0, count: 2 * listSize * 2 * n)
        x = [UInt8](repeating: 0, count: 2 * listSize * n)
        metric = [Float](repeating: 0, count: 2 * listSize)
    }

    mutating func reset(llr channel: UnsafeBufferPointer<Float>) {
        active = 1
        metric[0] = 0
        for j in 0..<n { llr[j] = channel[j] }
    }

    func bestPath() -> Int { (0..<active).min { metric[$0] < metric[$1] }! }

    /// Decode the sub-block of `size` whose input LLRs sit at `llrOffset` in each path's LLR stack and whose
    /// re-encoded bits go to `xOffset`; `leafStart` is the index of its first u bit.
    mutating func decode(size: Int, llrOffset: Int, xOffset: Int, leafStart: Int, frozen: [Bool]) {
        if size == 1 { leaf(llrOffset: llrOffset, xOffset: xOffset, isFrozen: frozen[leafStart]); return }
        let half = size / 2, child = llrOffset + size
        let stride = 2 * n
        for p in 0..<active {
            let base = p * stride
            for i in 0..<half {
                let a = llr[base + llrOffset + i], b = llr[base + llrOffset + half + i]
                let mag = min(abs(a), abs(b))
                llr[base + child + i] = (a < 0) != (b < 0) ? -mag : mag
            }
        }
        decode(size: half, llrOffset: child, xOffset: xOffset, leafStart: leafStart, frozen: frozen)
        for p in 0..<active {
            let base = p * stride
            for i in 0..<half {
                let a = llr[base + llrOffset + i], b = llr[base + llrOffset + half + i]
                llr[base + child + i] = x[p * n + xOffset + i] == 0 ? b + a : b - a
            }
        }
        decode(size: half, llrOffset: child, xOffset: xOffset + half, leafStart: leafStart + half, frozen: frozen)
        for p in 0..<active {
            for i in 0..<half { x[p * n + xOffset + i] ^= x[p * n + xOffset + half + i] }
        }
    }

    mutating func leaf(llrOffset: Int, xOffset: Int, isFrozen: Bool) {
        let stride = 2 * n
        if isFrozen {
            for p in 0..<active {
                let l = llr[p * stride + llrOffset]
                if l < 0 { metric[p] += -l }
                x[p * n + xOffset] = 0
            }
            return
        }
        if capacity == 1 {
            x[xOffset] = llr[llrOffset] < 0 ? 1 : 0
            return
        }
        // candidates: path p with bit 0 and bit 1
        var candidates: [(metric: Float, path: Int, bit: UInt8)] = []
        candidates.reserveCapacity(2 * active)
        for p in 0..<active {
            let l = llr[p * stride + llrOffset]
            candidates.append((metric[p] + (l < 0 ? -l : 0), p, 0))
            candidates.append((metric[p] + (l > 0 ? l : 0), p, 1))
        }
        candidates.sort { $0.metric < $1.metric }
        let keep = candidates.prefix(capacity)
        // copy survivors into fresh slots [capacity ..< capacity + keep.count], then move back
        for (slot, cand) in keep.enumerated() {
            let dst = capacity + slot
            for i in 0..<stride { llr[dst * stride + i] = llr[cand.path * stride + i] }
            for i in 0..<n { x[dst * n + i] = x[cand.path * n + i] }
            x[dst * n + xOffset] = cand.bit
            metric[dst] = cand.metric
        }
        for slot in 0..<keep.count {
            let src = capacity + slot
            for i in 0..<stride { llr[slot * stride + i] = llr[src * stride + i] }
            for i in 0..<n { x[slot * n + i] = x[src * n + i] }
            metric[slot] = metric[src]
        }
        active = keep.count
    }
}
