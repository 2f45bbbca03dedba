/// Small deterministic statistics for the catalogue's flags.
enum CatalogueStatistics {
    /// Median of the values (mean of the middle two for an even count); NaN when empty.
    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let m = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2
    }

    /// Population standard deviation (ddof = 0); NaN when empty.
    static func standardDeviation(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let mean = values.reduce(0, +) / Double(values.count)
        let sum = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (sum / Double(values.count)).squareRoot()
    }

    /// astropy's `sigma_clip(x, sigma, maxiters=None, cenfunc=median, stdfunc=std)`:
    /// repeatedly drop values more than `sigma` standard deviations from the median of the
    /// values kept, until none is dropped. Returns the final centre and spread.
    static func sigmaClipped(_ values: [Double], sigma: Double) -> (centre: Double, spread: Double) {
        var kept = values
        while true {
            let centre = median(kept)
            let spread = standardDeviation(kept)
            let next = kept.filter { abs($0 - centre) <= sigma * spread }
            if next.count == kept.count || next.isEmpty { return (centre, spread) }
            kept = next
        }
    }

    /// Least-squares polynomial of `degree` through (x, y), as numpy's `Polynomial.fit`:
    /// x is mapped from [min x, max x] onto [-1, 1] first. Householder QR on the Vandermonde
    /// matrix. Returns the coefficients (lowest power first), shift and scale of the mapping
    /// t = (x - shift) / scale; nil with fewer points than coefficients.
    static func polynomialFit(x: [Double], y: [Double], degree: Int)
        -> (coefficients: [Double], shift: Double, scale: Double)?
    {
        let n = x.count, p = degree + 1
        guard n >= p, n == y.count, let lo = x.min(), let hi = x.max() else { return nil }
        let shift = (lo + hi) / 2
        let scale = hi > lo ? (hi - lo) / 2 : 1
        // Column-major design matrix a[j * n + i] = t_i^j.
        var a = [Double](repeating: 0, count: n * p)
        for i in 0..<n {
            let t = (x[i] - shift) / scale
            var power = 1.0
            for j in 0..<p { a[j * n + i] = power; power *= t }
        }
        var rhs = y
        for k in 0..<p {
            var norm = 0.0
            for i in k..<n { norm += a[k * n + i] * a[k * n + i] }
            norm = norm.squareRoot()
            guard norm > 0 else { return nil }
            let alpha = a[k * n + k] > 0 ? -norm : norm
            var v = [Double](repeating: 0, count: n)
            for i in k..<n { v[i] = a[k * n + i] }
            v[k] -= alpha
            let vv = v[k..<n].reduce(0) { $0 + $1 * $1 }
            guard vv > 0 else { continue }
            for j in k..<p {
                var dot = 0.0
                for i in k..<n { dot += v[i] * a[j * n + i] }
                let f = 2 * dot / vv
                for i in k..<n { a[j * n + i] -= f * v[i] }
            }
            var dot = 0.0
            for i in k..<n { dot += v[i] * rhs[i] }
            let f = 2 * dot / vv
            for i in k..<n { rhs[i] -= f * v[i] }
        }
        var c = [Double](repeating: 0, count: p)
        for k in stride(from: p - 1, through: 0, by: -1) {
            var s = rhs[k]
            for j in (k + 1)..<p { s -= a[j * n + k] * c[j] }
            let diagonal = a[k * n + k]
            guard diagonal != 0 else { return nil }
            c[k] = s / diagonal
        }
        return (c, shift, scale)
    }
}
