extension UnionFindWorkspace {
    /// The correction Union-Find finds on a shot of isolated pairs — edges flipped through `flip` (edge index; space
    /// edges only, as in peeling) and their count — or nil, with nothing flipped, when the shot is not of that form.
    ///
    /// The form: every defect has at most one defect among its neighbours; those with none (lone defects) each have
    /// an edge to the boundary, and no two of them share a neighbour other than the boundary. Growth on such a shot:
    /// in round 1 every defect grows each of its edges by half and only edges between two defects fuse, so each defect
    /// with one defect neighbour forms an even pair with it; in round 2 each lone defect fuses all its edges — its
    /// neighbours are in no cluster, the pairs do not grow, no neighbour is shared — and reaches the boundary, and
    /// growth stops. Peeling flips each pair's edge and each lone defect's boundary edge (the boundary's tree holds the
    /// lone defects as its children, their other neighbours as defect-free leaves). Most shots at low noise have this
    /// form, and it costs one pass over the defects' edges where growth and peeling cost several.
    mutating func isolatedPairs(graph: UnionFindGraph, defects: [Int], flip: (Int) -> Void) -> Int? {
        pairsStamp += 1
        let stamp = pairsStamp, marks = defectStamp, start = graph.start, across = graph.neighbour
        for d in defects {
            guard d != graph.boundary else { return nil }
            marks[d] = stamp
        }
        var count = 0
        for d in defects {
            var partners = 0, edge = 0, partner = 0
            for a in Int(start[d])..<Int(start[d + 1]) where marks[Int(across[a])] == stamp {
                partners += 1
                edge = Int(graph.edge[a]); partner = Int(across[a])
            }
            if partners > 1 { return nil }
            if partners == 1 {
                guard d < partner else { continue }
                fused[count] = edge
            } else {
                guard graph.boundaryEdge[d] >= 0 else { return nil }
                // a lone defect's neighbours are no defect's: marked −stamp, a second mark is a shared neighbour
                for a in Int(start[d])..<Int(start[d + 1]) where Int(across[a]) != graph.boundary {
                    let y = Int(across[a])
                    if marks[y] == -stamp { return nil }
                    marks[y] = -stamp
                }
                fused[count] = Int(graph.boundaryEdge[d])
            }
            count += 1
        }
        var flipped = 0
        for i in 0..<count where graph.qubit[fused[i]] >= 0 {
            flip(fused[i])
            flipped += 1
        }
        return flipped
    }
}
