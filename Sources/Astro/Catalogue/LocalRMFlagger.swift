#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `local_rm_flag`: an RM statistically different from the RMs around it.
///
/// The original bins the good RMs of a field into Voronoi cells of ~30 sources (fewer when
/// that gives under 6 cells) and sigma-clips RM within each cell; a bug (`fail` is never
/// cleared) leaves the flag false everywhere. Here each good source is compared with its own
/// neighbourhood instead of a fixed cell, which has no cell edges and needs no sampling:
/// its k nearest good neighbours on the sky (itself excluded; ties by row order), with
/// k = min(30, good / 6). Their RMs are sigma-clipped (3 sigma about the median, population
/// std, until nothing changes) and the source is flagged when |RM - median| > 3 std.
/// With k < 5 the flag is not evaluated. The result depends only on the inputs.
struct LocalRMFlagger {
    var settings: LocalRMSettings

    struct Source {
        var ra: Double
        var dec: Double
        var rm: Double
    }

    /// Flags for `sources` (in order), the neighbourhood size used, or why none was.
    func flags(_ sources: [Source]) -> (flags: [Bool], neighbours: Int?, note: String) {
        let n = sources.count
        let k = min(settings.maximumNeighbours, n / max(1, settings.neighbourhoods))
        guard k >= settings.minimumNeighbours, k < n else {
            return ([Bool](repeating: false, count: n), nil,
                    "\(n) good RMs give \(k) neighbours each; at least \(settings.minimumNeighbours) are needed")
        }
        // Unit vectors: chord distance orders neighbours as the great-circle distance does.
        let vectors = sources.map { s -> (Double, Double, Double) in
            let a = s.ra * SkyMath.degree, d = s.dec * SkyMath.degree
            return (cos(d) * cos(a), cos(d) * sin(a), sin(d))
        }
        var flags = [Bool](repeating: false, count: n)
        // The k nearest so far, sorted by (distance, index): a bounded insertion, O(n k) per source.
        var nearest = [(Double, Int)]()
        nearest.reserveCapacity(k + 1)
        for i in 0..<n {
            nearest.removeAll(keepingCapacity: true)
            let v = vectors[i]
            for j in 0..<n where j != i {
                let w = vectors[j]
                let dx = v.0 - w.0, dy = v.1 - w.1, dz = v.2 - w.2
                let d = dx * dx + dy * dy + dz * dz
                if nearest.count == k, d >= nearest[k - 1].0 { continue }   // ties keep the lower index
                var at = nearest.count
                while at > 0 && nearest[at - 1].0 > d { at -= 1 }
                nearest.insert((d, j), at: at)
                if nearest.count > k { nearest.removeLast() }
            }
            let rms = nearest.map { sources[$0.1].rm }
            let clipped = CatalogueStatistics.sigmaClipped(rms, sigma: settings.sigma)
            flags[i] = abs(sources[i].rm - clipped.centre) > settings.sigma * clipped.spread
        }
        return (flags, k, "each good RM compared with its \(k) nearest good neighbours")
    }
}
