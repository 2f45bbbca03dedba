/// The original's `flag_blended_components`: within one island (Source_ID) of a field,
/// a component is blended when another component lies within the largest restoring-beam
/// major axis of the island's rows. `N_blended` counts those neighbours and `blend_ratio`
/// is the component's total flux over its own plus theirs. Single-component islands
/// (N_Gaus = 1) are never blended and have blend_ratio NaN.
enum BlendFinder {
    /// Sets `isBlended`, `blendedCount`, `blendRatio` of the rows at `indices` (one field).
    static func apply(to rows: inout [CatalogueRow], indices: [Int]) {
        var islands: [String: [Int]] = [:]
        var order: [String] = []
        for i in indices {
            if islands[rows[i].sourceID] == nil { order.append(rows[i].sourceID) }
            islands[rows[i].sourceID, default: []].append(i)
        }
        for key in order {
            let members = islands[key]!
            let single = members.contains { rows[$0].gaussianCount == 1 }
                || (members.count == 1 && rows[members[0]].gaussianCount == nil)
            if single {
                for i in members { rows[i].isBlended = false; rows[i].blendedCount = 0; rows[i].blendRatio = .nan }
                continue
            }
            let beam = members.map { rows[$0].beamMajor }.filter { $0.isFinite }.max() ?? .nan
            for i in members {
                var count = 0
                var flux = rows[i].totalFlux
                for j in members where j != i {
                    let separation = SkyMath.separation(rows[i].ra, rows[i].dec, rows[j].ra, rows[j].dec)
                    if separation < beam && separation > 0 {
                        count += 1
                        flux += rows[j].totalFlux
                    }
                }
                rows[i].isBlended = count > 0
                rows[i].blendedCount = count
                rows[i].blendRatio = rows[i].totalFlux / flux
            }
        }
    }
}
