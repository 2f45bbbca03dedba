#if canImport(Glibc)
import Glibc
#endif

/// The FWHM of an RMSF's main lobe from a Gaussian fitted to |RMSF| (RM-Tools' `fit_rmsf`
/// with `detect_peak`, which rmsynth3d -t runs per pixel): the samples from the peak out to
/// the first one below 0.4 on its right, mirrored to the left, those below 0.4 dropped unless
/// fewer than 4 remain; a*exp(-(x-b)^2 / (2 s^2)), s = w / (2 sqrt(2 ln 2)), started at
/// (1, the peak's phi, the span of the samples), fitted as mpfit does. Nil when the fit
/// fails (RM-Tools then keeps the analytical FWHM).
struct RMSFLobeFit: LeastSquaresProblem {
    var x: [Double]
    var y: [Double]
    var residualCount: Int { x.count }

    mutating func evaluate(_ p: [Double], residuals: inout [Double], jacobian: UnsafeMutablePointer<Double>?) {
        let s = p[2] / (2 * (2 * log(2.0)).squareRoot())
        for i in x.indices {
            let d = x[i] - p[1]
            residuals[i] = p[0] * exp(-(d * d) / (2 * (s * s))) - y[i]
        }
    }

    /// - Parameters:
    ///   - phi: the RMSF's Faraday depths (float32 values, as RM-Tools' axis).
    ///   - amplitude: |RMSF| at them.
    static func fwhm(phi: [Double], amplitude a: [Double], threshold: Double = 0.4) -> Double? {
        let n = a.count
        guard n > 0, phi.count == n else { return nil }
        var peak = 0
        for j in 1..<n where a[j] > a[peak] { peak = j }
        guard let below = (peak..<n).first(where: { a[$0] < threshold }) else { return nil }
        let shift = below - peak
        // numpy's msk[iL:iR] = 1, Python's slice rules included (a negative start counts from the end).
        var lo = peak - shift + 1, hi = peak + shift
        if lo < 0 { lo += n }; if hi < 0 { hi += n }
        lo = min(max(lo, 0), n); hi = min(max(hi, 0), n)
        guard lo < hi else { return nil }
        var keep = (lo..<hi).filter { a[$0] >= threshold }
        if keep.count < 4 { keep = Array(lo..<hi) }
        var problem = RMSFLobeFit(x: keep.map { phi[$0] }, y: keep.map { a[$0] })
        var best = 0
        for i in problem.y.indices where problem.y[i] > problem.y[best] { best = i }
        let start = [1, problem.x[best], problem.x.max()! - problem.x.min()!]
        let result = LevenbergMarquardt().minimise(&problem, start: start)
        guard result.status >= 1, result.parameters[2].isFinite else { return nil }
        return result.parameters[2]
    }
}
