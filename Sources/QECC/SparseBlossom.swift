/// Exact minimum-weight perfect matching of detection events by sparse blossom (Higgott & Gidney, "Sparse Blossom:
/// correcting a million errors per core second with minimum-weight matching", Quantum 2025): Edmonds' primal–dual
/// blossom algorithm where each dual variable is the radius of a region grown on the detector graph itself. Each
/// detection event starts a growing region; a priority queue of flooding events (a region reaching an empty node, two
/// regions touching across an edge, a region reaching the boundary, a shrinking region giving a node back or a
/// blossom's radius reaching zero) drives the matcher, which keeps alternating trees of regions, matches, and forms
/// blossoms from odd cycles and shatters them when they shrink to nothing. Only the nodes the regions reach are ever
/// touched, so a shot costs about its defects' neighbourhoods, not the whole graph or the defects' complete graph.
///
/// One `SparseBlossom` is built per graph and thread and reused shot after shot: its buffers are allocated at `init`
/// (`FixedBuffers`; the event queue's buckets and blossom cycles grow to their working size, then stay). A shot's
/// result depends on that shot alone (every buffer is reset or stamped), so counts do not depend on the thread count.
/// Weights are the graph's doubled integers (`setWeights` replaces them between shots); times and radii are exact.
///
/// The result of `solve` is the matching as pairs of detection events (or an event and the boundary) with the
/// observables crossed by a path between them found while flooding (a shortest one), and the total weight (the dual
/// objective, equal to the primal at the end). A component with an odd number of events and no boundary has no
/// perfect matching: `solve` returns false.
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

    /// When a node or region wants to be looked at, and the earliest entry the queue holds for it (`Int.max`: none).
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

    /// What the flooder reports to the matcher (a plain record: cheap to return from the hot loop).
    struct Event {
        enum Kind: UInt8 {
            case none, regionHitRegion, regionHitBoundary, blossomShatter
        }
        /// regionHitRegion: a, b the two regions; regionHitBoundary: a; blossomShatter: a the blossom, b the child
        /// touching the tree parent, c the child matched to the tree child.
        var kind: Kind
        var a: Int32 = -1, b: Int32 = -1, c: Int32 = -1
        var edge = CompressedEdge.none
        static let none = Event(kind: .none)
        static func regionHitRegion(_ r1: Int32, _ r2: Int32, _ edge: CompressedEdge) -> Event {
            Event(kind: .regionHitRegion, a: r1, b: r2, edge: edge)
        }
        static func regionHitBoundary(_ r: Int32, _ edge: CompressedEdge) -> Event {
            Event(kind: .regionHitBoundary, a: r, edge: edge)
        }
        static func blossomShatter(_ blossom: Int32, inParent: Int32, inChild: Int32) -> Event {
            Event(kind: .blossomShatter, a: blossom, b: inParent, c: inChild)
        }
    }

    // Every buffer is allocated once, at `init`, sized by the graph: at most n regions of detection events and n − 1
    // blossoms alive at once, at most n tree nodes. A `SparseBlossom` is a handle: copies share these buffers, so each
    // thread keeps its own (`MatchingDecoder.Workspace`).
    let storage: FixedBuffers
    let neighbourStart: UnsafeMutablePointer<Int32>, neighbour: UnsafeMutablePointer<Int32>
    let neighbourWeight: UnsafeMutablePointer<Int>, neighbourMask: UnsafeMutablePointer<UInt64>
    let neighbourEdge: UnsafeMutablePointer<Int32>
    /// The decoding-graph edges behind each slot, and each edge's observables (for `setWeights`).
    let slotEdgeStart: UnsafeMutablePointer<Int32>, slotEdges: UnsafeMutablePointer<Int32>
    let edgeMask: UnsafeMutablePointer<UInt64>
    // Dijkstra's buffers for `path` (node n stands for the boundary).
    let pathDistance: UnsafeMutablePointer<Int>, pathStamp: UnsafeMutablePointer<Int32>
    let pathFrom: UnsafeMutablePointer<Int32>, pathSlot: UnsafeMutablePointer<Int32>
    var pathRun: Int32 = 0
    var pathHeap: [(distance: Int, node: Int32)] = []

    // Nodes (the detectors): the region whose shell holds it, its top-level region, the frozen radius wrapped around
    // it below the top (minus its radius of arrival), the detection event it was reached from, the observables
    // crossed from there, the radius of its region when it arrived, its look-at-me event, and the next node of its
    // region's shell (shells are intrusive stacks, newest first).
    let nodeArrived: UnsafeMutablePointer<Int32>, nodeTop: UnsafeMutablePointer<Int32>
    let nodeWrapped: UnsafeMutablePointer<Int>, nodeSource: UnsafeMutablePointer<Int32>
    let nodeMask: UnsafeMutablePointer<UInt64>, nodeArrival: UnsafeMutablePointer<Int>
    let nodeEvent: UnsafeMutablePointer<EventTracker>, nodeShellNext: UnsafeMutablePointer<Int32>
    let touched: UnsafeMutablePointer<Int32>, isTouched: UnsafeMutablePointer<Bool>
    var touchedCount = 0

    // Regions (an arena with a free list).
    let regionParent: UnsafeMutablePointer<Int32>, regionTop: UnsafeMutablePointer<Int32>
    let regionAlt: UnsafeMutablePointer<Int32>, regionRadius: UnsafeMutablePointer<Varying>
    let regionShrink: UnsafeMutablePointer<EventTracker>, regionMatch: UnsafeMutablePointer<Int32>
    let regionMatchEdge: UnsafeMutablePointer<CompressedEdge>
    let regionShellHead: UnsafeMutablePointer<Int32>, regionShellCount: UnsafeMutablePointer<Int32>
    let freeRegions: UnsafeMutablePointer<Int32>
    var regionChildren: [[RegionEdge]] = []
    var regionCount = 0, freeRegionCount = 0
    static let unmatched: Int32 = -1, boundaryMatch: Int32 = -2

    // Alternating-tree nodes: an outer (growing) region, an inner (shrinking) one except at the root, the edge from
    // inner to outer, the parent and the edge from this node's inner region to the parent's outer region.
    let altInner: UnsafeMutablePointer<Int32>, altOuter: UnsafeMutablePointer<Int32>
    let altInnerToOuter: UnsafeMutablePointer<CompressedEdge>, altParent: UnsafeMutablePointer<Int32>
    let altParentEdge: UnsafeMutablePointer<CompressedEdge>, altVisited: UnsafeMutablePointer<Bool>
    let freeAlts: UnsafeMutablePointer<Int32>
    /// Each node's children as a list through the children (first, last; next and previous sibling; −1 ends), in the
    /// order an array with swap-with-last removal would hold them (`addChild`, `removeChild`). A child's edge from the
    /// parent's outer region is its `altParentEdge` reversed.
    let altFirstChild: UnsafeMutablePointer<Int32>, altLastChild: UnsafeMutablePointer<Int32>
    let altNextSibling: UnsafeMutablePointer<Int32>, altPreviousSibling: UnsafeMutablePointer<Int32>
    var altCount = 0, freeAltCount = 0, liveAlts = 0

    // The event queue: (time, item) with item ≥ 0 a node and item < 0 the region −1 − item, in a radix heap (times
    // never go below the last one popped, `now`: bucket b > 0 holds the times whose highest bit differing from `now`
    // is bit b − 1, bucket 0 the times equal to it).
    var queue: RadixQueue
    var now: Int { queue.last }

    // Scratch: the regions of one area (a region and everything inside it), and the walk's stack.
    let area: UnsafeMutablePointer<Int32>, stack: UnsafeMutablePointer<Int32>
    var areaCount = 0
    var orphans: [AltEdge] = [], pathA: [RegionEdge] = [], pathB: [RegionEdge] = []
    /// The tree walks' stack (`becomeRoot`, `dissolve`): nodes and, for `dissolve`, the next child of each to visit.
    let treePath: UnsafeMutablePointer<Int32>, treeCursor: UnsafeMutablePointer<Int32>

    /// The matched pairs of the last `solve`: (event, event or −1 for the boundary, observables crossed).
    var matches: [CompressedEdge] = []
    /// The last `solve`'s total weight, in the graph's (undoubled) units.
    var weight = 0
    /// Blossoms formed, and shattered as inner regions, over every `solve` (for tests that the paths are exercised).
    var blossomsFormed = 0, blossomsShattered = 0

    init(graph: SparseMatchingGraph) {
        self.graph = graph
        let n = graph.nodeCount, regions = 2 * n + 2, alts = n + 1
        let b = FixedBuffers()
        storage = b
        neighbourStart = b.make(n + 1, 0)
        for i in 0...n { neighbourStart[i] = graph.start[i] }
        let k = graph.neighbour.count
        neighbour = b.make(k, -1); neighbourWeight = b.make(k, 0); neighbourMask = b.make(k, 0)
        neighbourEdge = b.make(k, -1)
        for i in 0..<k {
            neighbour[i] = graph.neighbour[i]; neighbourWeight[i] = graph.weight[i]; neighbourMask[i] = graph.mask[i]
            neighbourEdge[i] = graph.edge[i]
        }
        slotEdgeStart = b.make(k + 1, 0); slotEdges = b.make(graph.slotEdges.count, 0)
        for i in 0...k { slotEdgeStart[i] = graph.slotEdgeStart[i] }
        for i in graph.slotEdges.indices { slotEdges[i] = graph.slotEdges[i] }
        edgeMask = b.make(graph.edgeCount, 0)
        for i in graph.edgeMasks.indices { edgeMask[i] = graph.edgeMasks[i] }
        pathDistance = b.make(n + 1, 0); pathStamp = b.make(n + 1, 0); pathFrom = b.make(n + 1, -1)
        pathSlot = b.make(n + 1, -1)
        nodeArrived = b.make(n, -1); nodeTop = b.make(n, -1); nodeSource = b.make(n, -1); nodeShellNext = b.make(n, -1)
        nodeWrapped = b.make(n, 0); nodeArrival = b.make(n, 0); nodeMask = b.make(n, 0)
        nodeEvent = b.make(n, EventTracker()); touched = b.make(n, -1); isTouched = b.make(n, false)
        regionParent = b.make(regions, -1); regionTop = b.make(regions, -1); regionAlt = b.make(regions, -1)
        regionRadius = b.make(regions, Varying(intercept: 0, slope: 0)); regionShrink = b.make(regions, EventTracker())
        regionMatch = b.make(regions, -1); regionMatchEdge = b.make(regions, .none)
        regionShellHead = b.make(regions, -1); regionShellCount = b.make(regions, 0); freeRegions = b.make(regions, -1)
        regionChildren = [[RegionEdge]](repeating: [], count: regions)
        altInner = b.make(alts, -1); altOuter = b.make(alts, -1); altInnerToOuter = b.make(alts, .none)
        altParent = b.make(alts, -1); altParentEdge = b.make(alts, .none); altVisited = b.make(alts, false)
        freeAlts = b.make(alts, -1)
        altFirstChild = b.make(alts, -1); altLastChild = b.make(alts, -1)
        altNextSibling = b.make(alts, -1); altPreviousSibling = b.make(alts, -1)
        treePath = b.make(alts, -1); treeCursor = b.make(alts, -1)
        area = b.make(regions, -1); stack = b.make(regions, -1)
        queue = RadixQueue(storage: b, capacity: 256)
    }

    /// Match `events` (distinct detector indices): fills `matches` and `weight`; false when some component has an
    /// odd number of events and no boundary (then `matches` is incomplete).
    mutating func solve(events: [Int]) -> Bool {
        reset()
        for e in events { createDetectionEvent(Int32(e)) }
        while true {
            let event = nextEvent()
            if event.kind == .none { break }
            process(event)
        }
        let perfect = liveAlts == 0
        if perfect {
            for e in events where nodeArrived[e] >= 0 { extract(nodeTop[e]) }
            weight /= 2
        }
        return perfect
    }

    /// Back to the empty state, keeping every buffer.
    mutating func reset() {
        for k in 0..<touchedCount {
            let i = Int(touched[k])
            nodeArrived[i] = -1; nodeTop[i] = -1; nodeWrapped[i] = 0; nodeSource[i] = -1; nodeMask[i] = 0
            nodeArrival[i] = 0; nodeEvent[i] = EventTracker(); isTouched[i] = false; nodeShellNext[i] = -1
        }
        touchedCount = 0
        regionCount = 0; freeRegionCount = 0
        altCount = 0; freeAltCount = 0; liveAlts = 0
        queue.clear()
        matches.removeAll(keepingCapacity: true)
        weight = 0
    }

    @inline(__always) mutating func touch(_ v: Int32) {
        if !isTouched[Int(v)] {
            isTouched[Int(v)] = true
            touched[touchedCount] = v
            touchedCount += 1
        }
    }

    /// The next index of an arena: the last one freed, else a fresh one.
    static func take(_ free: UnsafeMutablePointer<Int32>, _ freeCount: inout Int, _ used: inout Int) -> Int32 {
        if freeCount > 0 {
            freeCount -= 1
            return free[freeCount]
        }
        used += 1
        return Int32(used - 1)
    }

    mutating func allocateRegion() -> Int32 {
        let r = SparseBlossom.take(freeRegions, &freeRegionCount, &regionCount)
        let i = Int(r)
        regionParent[i] = -1; regionTop[i] = r; regionAlt[i] = -1
        regionRadius[i] = .growingFromZero(at: now); regionShrink[i] = EventTracker()
        regionMatch[i] = SparseBlossom.unmatched; regionMatchEdge[i] = .none
        regionShellHead[i] = -1; regionShellCount[i] = 0
        if !regionChildren[i].isEmpty { regionChildren[i].removeAll(keepingCapacity: true) }
        return r
    }

    mutating func freeRegion(_ r: Int32) {
        regionShrink[Int(r)] = EventTracker()
        freeRegions[freeRegionCount] = r
        freeRegionCount += 1
    }

    @inline(__always) mutating func shellPush(_ r: Int32, _ v: Int32) {
        nodeShellNext[Int(v)] = regionShellHead[Int(r)]
        regionShellHead[Int(r)] = v
        regionShellCount[Int(r)] += 1
    }

    @inline(__always) mutating func shellPop(_ r: Int32) -> Int32 {
        let v = regionShellHead[Int(r)]
        regionShellHead[Int(r)] = nodeShellNext[Int(v)]
        nodeShellNext[Int(v)] = -1
        regionShellCount[Int(r)] -= 1
        return v
    }

    mutating func allocateAlt(inner: Int32, outer: Int32, innerToOuter: CompressedEdge) -> Int32 {
        let a = SparseBlossom.take(freeAlts, &freeAltCount, &altCount)
        let i = Int(a)
        altInner[i] = inner; altOuter[i] = outer; altInnerToOuter[i] = innerToOuter
        altParent[i] = -1; altParentEdge[i] = .none; altVisited[i] = false
        altFirstChild[i] = -1; altLastChild[i] = -1
        if inner >= 0 { regionAlt[Int(inner)] = a }
        if outer >= 0 { regionAlt[Int(outer)] = a }
        liveAlts += 1
        return a
    }

    mutating func freeAlt(_ a: Int32) {
        freeAlts[freeAltCount] = a
        freeAltCount += 1
        liveAlts -= 1
    }

    // MARK: the event queue

    @inline(__always) mutating func push(_ time: Int, _ item: Int) { queue.push(time, item) }

    @inline(__always) mutating func tracker(_ item: Int) -> EventTracker {
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
        while let entry = queue.pop() {
            let t = entry.time, item = entry.item
            guard isDue(item, t) else { continue }
            let event = item >= 0 ? lookAtNode(Int32(item)) : shrink(Int32(-1 - item))
            if event.kind == .none { continue }
            return event
        }
        return .none
    }
}
