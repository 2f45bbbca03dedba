#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Extra scatter ("sigma_add") in normalised residuals beyond their error bars, with its
/// asymmetric one-sigma errors: RM-Tools' `sigmaAdd*`, `dSigmaAddMinus*`, `dSigmaAddPlus*`.
public struct SigmaAdd: Sendable, Equatable {
    /// Median of the likelihood of the extra scatter.
    public var value: Double
    /// value - 15.72nd percentile.
    public var minus: Double
    /// 84.27th percentile - value.
    public var plus: Double
}

/// Estimates sigma_add as RM-Tools does (`calc_sigma_add`): model each datum y_i (mean 0)
/// as normal with variance dy_i^2 + s^2, evaluate the likelihood of s on `samples` points
/// from range/samples to range (range = max(y + dy) - min(y - dy)) with a 1/s prior, and
/// read the median and the 15.72/84.27 percentiles off the cumulative distribution.
struct SigmaAddEstimator {
    var samples = 1000
    private var lnProbability: [Double] = []

    /// `y` and `dy` are the data and their errors; non-finite entries drop out of the sums
    /// (but count in the normalising constant, as in RM-Tools).
    mutating func estimate(y: UnsafeBufferPointer<Double>, dy: UnsafeBufferPointer<Double>) -> SigmaAdd {
        let n = y.count
        var top = -Double.infinity, bottom = Double.infinity
        var usableErrors = 0
        var commonError: Double? = nil
        var uniform = true
        var sumSquares = 0.0
        for i in 0..<n {
            let (v, e) = (y[i], dy[i])
            if (v + e).isFinite { top = max(top, v + e) }
            if (v - e).isFinite { bottom = min(bottom, v - e) }
            guard e.isFinite else { continue }
            usableErrors += 1
            if let c = commonError { if c != e { uniform = false } } else { commonError = e }
            if v.isFinite { sumSquares += v * v }
        }
        let range = top - bottom
        guard range.isFinite, range > 0, samples >= 2 else { return SigmaAdd(value: .nan, minus: .nan, plus: .nan) }
        if lnProbability.count < samples { lnProbability = [Double](repeating: 0, count: samples) }

        let first = range / Double(samples)
        let spacing = (range - first) / Double(samples - 1)
        func sigma(_ k: Int) -> Double { k == samples - 1 ? range : Double(k) * spacing + first }
        let constant = Double(n) * log(2 * Double.pi) / 2
        let e2 = (commonError ?? 0) * (commonError ?? 0)
        var peak = -Double.infinity
        for k in 0..<samples {
            let s = sigma(k)
            let s2 = s * s
            var lnSigmaSum = 0.0, chiSquare = 0.0
            if uniform {
                let total = e2 + s2
                lnSigmaSum = Double(usableErrors) * 0.5 * log(total)
                chiSquare = sumSquares / total
            } else {
                for i in 0..<n where dy[i].isFinite {
                    let total = dy[i] * dy[i] + s2
                    lnSigmaSum += 0.5 * log(total)
                    if y[i].isFinite { chiSquare += y[i] * y[i] / total }
                }
            }
            let lp = -log(s) - constant - lnSigmaSum - chiSquare / 2
            lnProbability[k] = lp
            if lp > peak { peak = lp }
        }
        // Normalise (the area normalisation cancels in the CDF but is kept for fidelity).
        var total = 0.0
        for k in 0..<samples {
            let p = exp(lnProbability[k] - peak)
            lnProbability[k] = p
            total += p
        }
        let area = total * (sigma(1) - sigma(0))
        var cumulativeTotal = 0.0
        for k in 0..<samples { lnProbability[k] /= area; cumulativeTotal += lnProbability[k] }
        var running = 0.0
        for k in 0..<samples { running += lnProbability[k]; lnProbability[k] = running / cumulativeTotal }

        func percentile(_ q: Double) -> Double {
            let target = q / 100
            for k in 0..<samples where lnProbability[k] > target {
                if k == 0 { return sigma(0) }
                let slope = (lnProbability[k] - lnProbability[k - 1]) / (sigma(k) - sigma(k - 1))
                let intercept = lnProbability[k] - slope * sigma(k)
                return (target - intercept) / slope
            }
            return .nan
        }
        let median = percentile(50)
        return SigmaAdd(value: median, minus: median - percentile(15.72), plus: percentile(84.27) - median)
    }
}
