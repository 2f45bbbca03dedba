#if canImport(Glibc)
import Glibc
#endif
import Astro

/// Beam centres bucketed on the sky so that "which beams lie within R degrees of this
/// position" looks at a handful of buckets instead of every beam. Declination bands of
/// R degrees; each band split in RA so a bucket is at least R wide on the sky.
struct BeamIndex<Payload: Sendable>: Sendable {
    struct Entry: Sendable { var ra: Double; var dec: Double; var payload: Payload }
    let radius: Double
    let bands: Int
    /// Bins in RA per declination band.
    let binsPerBand: [Int]
    var buckets: [[Entry]]
    let bandStart: [Int]

    init(radius: Double, entries: [Entry]) {
        self.radius = radius
        bands = Int((180 / radius).rounded(.up))
        var bins: [Int] = []
        var starts: [Int] = []
        var total = 0
        for b in 0..<bands {
            let low = -90 + Double(b) * radius, high = low + radius
            // The band's widest |dec| (plus one band either side) sets how narrow a bin may be.
            let extreme = min(89.999, max(abs(low), abs(high)) + radius)
            // 1% slack: near R the exact RA reach asin(sin R / cos dec) exceeds R / cos dec slightly.
            let n = max(1, Int((360 * cos(extreme * SkyMath.degree) / (radius * 1.01)).rounded(.down)))
            bins.append(n)
            starts.append(total)
            total += n
        }
        binsPerBand = bins
        bandStart = starts
        buckets = Array(repeating: [], count: total)
        for e in entries {
            buckets[bucket(e.ra, e.dec)].append(e)
        }
    }

    func band(_ dec: Double) -> Int { min(bands - 1, max(0, Int(((dec + 90) / radius).rounded(.down)))) }

    func bucket(_ ra: Double, _ dec: Double) -> Int {
        let b = band(dec)
        let n = binsPerBand[b]
        return bandStart[b] + min(n - 1, Int(SkyMath.normalisedRA(ra) / 360 * Double(n)))
    }

    /// Every entry within `radius` (true great-circle distance) of (ra, dec).
    func within(ra: Double, dec: Double, _ body: (Entry) -> Void) {
        let b = band(dec)
        for nb in max(0, b - 1)...min(bands - 1, b + 1) {
            let n = binsPerBand[nb]
            let bin = min(n - 1, Int(SkyMath.normalisedRA(ra) / 360 * Double(n)))
            let span = n == 1 ? 0 : 1
            var visited = Set<Int>()
            for d in -span...span {
                let k = ((bin + d) % n + n) % n
                guard visited.insert(k).inserted else { continue }
                for e in buckets[bandStart[nb] + k] where abs(e.dec - dec) <= radius
                    && SkyMath.separation(ra, dec, e.ra, e.dec) <= radius {
                    body(e)
                }
            }
        }
    }
}
