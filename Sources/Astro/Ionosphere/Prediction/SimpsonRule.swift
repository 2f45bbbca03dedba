/// Integration of evenly spaced samples by Simpson's rule, as SciPy's `simpson` does it (and
/// so FRion): composite Simpson over an odd number of points; with an even number, composite
/// Simpson over all but the last interval plus that interval from the parabola through the
/// last three points (Cartwright's correction); the trapezium for two points.
enum SimpsonRule {
    /// The integral of `values` over `times` (evenly spaced) divided by the span: the mean.
    /// One sample: that sample.
    static func mean(_ values: [Double], times: [Double]) -> Double {
        let n = values.count
        guard n > 1 else { return values.first ?? .nan }
        let span = times[n - 1] - times[0]
        return integral(values, step: span / Double(n - 1)) / span
    }

    static func integral(_ f: [Double], step h: Double) -> Double {
        let n = f.count
        if n < 2 { return 0 }
        if n == 2 { return h * (f[0] + f[1]) / 2 }
        func composite(_ m: Int) -> Double {   // over f[0..<m], m odd
            var s = f[0] + f[m - 1]
            var k = 1
            while k < m - 1 {
                s += (k % 2 == 1 ? 4 : 2) * f[k]
                k += 1
            }
            return s * h / 3
        }
        if n % 2 == 1 { return composite(n) }
        return composite(n - 1) + h * (5 * f[n - 1] + 8 * f[n - 2] - f[n - 3]) / 12
    }
}
