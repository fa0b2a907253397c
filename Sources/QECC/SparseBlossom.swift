/// Exact minimum-weight perfect matching of detection events by sparse blossom (Higgott & Gidney, "Sparse Blossom:
/// correcting a million errors per core second with minimum-weight matching", Quantum 2025): Edmonds' primal–dual
/// blossom algorithm where each dual variable is the radius of a region grown on the detector graph itself. Each
/// detection event starts a growing region; a priority queue of flooding events (a region reaching an empty node, two
/// regions touching across an edge, a region reaching the boundary, a shrinking region giving a node back or a
/// blossom's radius reaching zero) drives the matcher, which keeps alternating trees of regions, matches, and forms
/// blossoms from odd cycles and shatters them when they shrink to nothing. Only the nodes the regions reach are ever
/// touched, so a shot costs about its defects' neighbourhoods, not the whole graph or the defects' complete graph.
///
/// One `SparseBlossom` is built per graph and reused shot after shot: every buffer keeps its capacity (no allocation
/// in the steady state). Weights are the graph's doubled integers; times and radii are exact integers.
///
/// The result of `solve` is the matching as pairs of detection events (or an event and the boundary) with the
/// observables crossed by a shortest path between them, and the total weight (the dual objective, equal to the primal
/// at the end). A component with an odd number of events and no boundary has no perfect matching: `solve` returns nil.
struct SparseBlossom {
    let graph: SparseMatchingGraph

    /// A path between two detection events found when their regions touched: `to` −1 for the boundary; `mask`, the
    /// observables crossed.
    struct CompressedEdge {
        var from: Int32, to: Int32, mask: UInt64
        static let none = CompressedEdge(from: -1, to: -1, mask: 0)
        var reversed: CompressedEdge { CompressedEdge(from: to, to: from, mask: mask) }
    }

    /// A radius (or a node's local radius) as a function of time: intercept + slope · t, slope ∈ {−1, 0, +1}.
    struct Varying {
        var intercept: Int, slope: Int
        @inline(__always) func at(_ t: Int) -> Int { intercept + slope * t }
        static func growingFromZero(at t: Int) -> Varying { Varying(intercept: -t, slope: 1) }
        func then(slope s: Int, at t: Int) -> Varying { Varying(intercept: at(t) - s * t, slope: s) }
    }

    /// When a node or region wants to be looked at, and what the queue holds for it (`never`: nothing).
    struct EventTracker {
        var desired = Int.max, queued = Int.max
    }

    /// One entry of a blossom's cycle: the region and the edge from it to the next region of the cycle.
    struct RegionEdge {
        var region: Int32
        var edge: CompressedEdge
    }

    /// One child of an alternating-tree node, with the edge from the parent's outer region to the child's inner one.
    struct AltEdge {
        var node: Int32
        var edge: CompressedEdge
    }

    enum Event {
        case none
        case regionHitRegion(Int32, Int32, CompressedEdge)
        case regionHitBoundary(Int32, CompressedEdge)
        case blossomShatter(Int32, inParent: Int32, inChild: Int32)
    }

    // Nodes (the detectors): the region whose shell holds it, its top-level region, the frozen radius wrapped around
    // it below the top (minus its radius of arrival), the detection event it was reached from, the observables
    // crossed from there, the radius of its region when it arrived, and its look-at-me event.
    var nodeArrived: [Int32], nodeTop: [Int32], nodeWrapped: [Int], nodeSource: [Int32], nodeMask: [UInt64]
    var nodeArrival: [Int], nodeEvent: [EventTracker]
    var touched: [Int32] = [], isTouched: [Bool]

    // Regions (an arena with a free list).
    var regionParent: [Int32] = [], regionTop: [Int32] = [], regionAlt: [Int32] = [], regionRadius: [Varying] = []
    var regionShrink: [EventTracker] = [], regionMatch: [Int32] = [], regionMatchEdge: [CompressedEdge] = []
    var regionChildren: [[RegionEdge]] = [], regionShell: [[Int32]] = []
    var regionCount = 0, freeRegions: [Int32] = []
    static let unmatched: Int32 = -1, boundaryMatch: Int32 = -2

    // Alternating-tree nodes: an outer (growing) region, an inner (shrinking) one except at the root, the edge from
    // inner to outer, the parent and the edge from this node's inner region to the parent's outer region.
    var altInner: [Int32] = [], altOuter: [Int32] = [], altInnerToOuter: [CompressedEdge] = []
    var altParent: [Int32] = [], altParentEdge: [CompressedEdge] = [], altChildren: [[AltEdge]] = []
    var altVisited: [Bool] = []
    var altCount = 0, freeAlts: [Int32] = [], liveAlts = 0

    // The event queue: (time, item) with item ≥ 0 a node and item < 0 the region −1 − item.
    var heap: [(time: Int, item: Int)] = []
    var now = 0

    // Scratch buffers.
    var stack: [Int32] = [], area: [Int32] = []
    var orphans: [AltEdge] = [], pathA: [RegionEdge] = [], pathB: [RegionEdge] = []

    /// The matched pairs of the last `solve`: (event, event or −1 for the boundary, observables crossed).
    var matches: [CompressedEdge] = []
    /// The last `solve`'s total weight, in the graph's (undoubled) units.
    var weight = 0
    /// Blossoms formed, and shattered as inner regions, over every `solve` (for tests that the paths are exercised).
    var blossomsFormed = 0, blossomsShattered = 0

    init(graph: SparseMatchingGraph) {
        self.graph = graph
        let n = graph.nodeCount
        nodeArrived = [Int32](repeating: -1, count: n)
        nodeTop = nodeArrived
        nodeSource = nodeArrived
        nodeWrapped = [Int](repeating: 0, count: n)
        nodeArrival = nodeWrapped
        nodeMask = [UInt64](repeating: 0, count: n)
        nodeEvent = [EventTracker](repeating: EventTracker(), count: n)
        isTouched = [Bool](repeating: false, count: n)
    }

    /// Match `events` (distinct detector indices): fills `matches` and `weight`; false when some component has an
    /// odd number of events and no boundary (then `matches` is incomplete).
    mutating func solve(events: [Int]) -> Bool {
        reset()
        for e in events { createDetectionEvent(Int32(e)) }
        while true {
            let event = nextEvent()
            if case .none = event { break }
            process(event)
        }
        let perfect = liveAlts == 0
        if perfect {
            for e in events where nodeArrived[e] >= 0 { extract(nodeTop[e]) }
            weight /= 2
        }
        return perfect
    }

    /// Back to the empty state, keeping every buffer's capacity.
    mutating func reset() {
        for v in touched {
            let i = Int(v)
            nodeArrived[i] = -1; nodeTop[i] = -1; nodeWrapped[i] = 0; nodeSource[i] = -1; nodeMask[i] = 0
            nodeArrival[i] = 0; nodeEvent[i] = EventTracker(); isTouched[i] = false
        }
        touched.removeAll(keepingCapacity: true)
        regionCount = 0; freeRegions.removeAll(keepingCapacity: true)
        altCount = 0; freeAlts.removeAll(keepingCapacity: true); liveAlts = 0
        heap.removeAll(keepingCapacity: true)
        now = 0
        matches.removeAll(keepingCapacity: true)
        weight = 0
    }

    @inline(__always) mutating func touch(_ v: Int32) {
        if !isTouched[Int(v)] { isTouched[Int(v)] = true; touched.append(v) }
    }

    mutating func allocateRegion() -> Int32 {
        let r: Int32
        if let f = freeRegions.popLast() {
            r = f
        } else if regionCount < regionParent.count {
            r = Int32(regionCount); regionCount += 1
        } else {
            r = Int32(regionCount); regionCount += 1
            regionParent.append(-1); regionTop.append(-1); regionAlt.append(-1)
            regionRadius.append(Varying(intercept: 0, slope: 0)); regionShrink.append(EventTracker())
            regionMatch.append(-1); regionMatchEdge.append(.none); regionChildren.append([]); regionShell.append([])
        }
        let i = Int(r)
        regionParent[i] = -1; regionTop[i] = r; regionAlt[i] = -1
        regionRadius[i] = .growingFromZero(at: now); regionShrink[i] = EventTracker()
        regionMatch[i] = SparseBlossom.unmatched; regionMatchEdge[i] = .none
        regionChildren[i].removeAll(keepingCapacity: true); regionShell[i].removeAll(keepingCapacity: true)
        return r
    }

    mutating func freeRegion(_ r: Int32) {
        regionShrink[Int(r)] = EventTracker()
        freeRegions.append(r)
    }

    mutating func allocateAlt(inner: Int32, outer: Int32, innerToOuter: CompressedEdge) -> Int32 {
        let a: Int32
        if let f = freeAlts.popLast() {
            a = f
        } else if altCount < altInner.count {
            a = Int32(altCount); altCount += 1
        } else {
            a = Int32(altCount); altCount += 1
            altInner.append(-1); altOuter.append(-1); altInnerToOuter.append(.none); altParent.append(-1)
            altParentEdge.append(.none); altChildren.append([]); altVisited.append(false)
        }
        let i = Int(a)
        altInner[i] = inner; altOuter[i] = outer; altInnerToOuter[i] = innerToOuter
        altParent[i] = -1; altParentEdge[i] = .none; altVisited[i] = false
        altChildren[i].removeAll(keepingCapacity: true)
        if inner >= 0 { regionAlt[Int(inner)] = a }
        if outer >= 0 { regionAlt[Int(outer)] = a }
        liveAlts += 1
        return a
    }

    mutating func freeAlt(_ a: Int32) {
        freeAlts.append(a)
        liveAlts -= 1
    }

    // MARK: the event queue

    mutating func push(_ time: Int, _ item: Int) {
        heap.append((time, item))
        var i = heap.count - 1
        let x = heap[i]
        while i > 0 {
            let parent = (i - 1) >> 1
            let p = heap[parent]
            if p.time < x.time || (p.time == x.time && p.item <= x.item) { break }
            heap[i] = p; i = parent
        }
        heap[i] = x
    }

    mutating func pop() -> (time: Int, item: Int)? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        var i = 0
        let count = heap.count
        while true {
            var child = 2 * i + 1
            if child >= count { break }
            if child + 1 < count {
                let a = heap[child], b = heap[child + 1]
                if b.time < a.time || (b.time == a.time && b.item < a.item) { child += 1 }
            }
            let c = heap[child]
            if c.time > last.time || (c.time == last.time && c.item >= last.item) { break }
            heap[i] = c; i = child
        }
        heap[i] = last
        return top
    }

    @inline(__always) func tracker(_ item: Int) -> EventTracker {
        item >= 0 ? nodeEvent[item] : regionShrink[-1 - item]
    }

    @inline(__always) mutating func store(_ tracker: EventTracker, _ item: Int) {
        if item >= 0 { nodeEvent[item] = tracker } else { regionShrink[-1 - item] = tracker }
    }

    /// Ask for `item` (a node, or −1 − region) to be looked at at time t (replacing any earlier wish); the queue gets
    /// a new entry only when it holds none for the item at or before t.
    @inline(__always) mutating func setDesired(_ item: Int, _ t: Int) {
        var e = tracker(item)
        e.desired = t
        if e.queued > t {
            e.queued = t
            push(t, item)
        }
        store(e, item)
    }

    /// Whether a popped entry (time t) is the item's live event; re-queues the item when its wish moved later.
    @inline(__always) mutating func isDue(_ item: Int, _ t: Int) -> Bool {
        var e = tracker(item)
        guard e.queued == t else { return false }
        e.queued = .max
        var due = false
        if e.desired == t {
            e.desired = .max
            due = true
        } else if e.desired != .max {
            e.queued = e.desired
            push(e.desired, item)
        }
        store(e, item)
        return due
    }

    /// The next matcher event, flooding until one happens (`.none`: the queue is empty).
    mutating func nextEvent() -> Event {
        while let (t, item) = pop() {
            guard isDue(item, t) else { continue }
            now = t
            let event = item >= 0 ? lookAtNode(Int32(item)) : shrink(Int32(-1 - item))
            if case .none = event { continue }
            return event
        }
        return .none
    }
}
