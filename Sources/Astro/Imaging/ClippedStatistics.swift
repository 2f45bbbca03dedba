/// Robust statistics as astropy's `sigma_clip` / `sigma_clipped_stats` compute them.
public enum ClippedStatistics {
    /// astropy's `mad_std`: the median absolute deviation from the median scaled to a
    /// Gaussian's standard deviation, of the finite values (NaN when there are none).
    public static func madStandardDeviation(_ values: [Double]) -> Double {
        let kept = values.filter(\.isFinite)
        guard !kept.isEmpty else { return .nan }
        let centre = median(kept)
        return madScale * median(kept.map { abs($0 - centre) })
    }

    /// 1 / Phi^-1(3/4): the MAD of a Gaussian times this is its standard deviation.
    static let madScale = 1.482_602_218_505_602

    /// Mean and population standard deviation of `values` after iterative clipping at
    /// `sigma` standard deviations about the median (astropy's `sigma_clipped_stats`
    /// defaults: cenfunc median, stdfunc std, `maxIterations` 5). NaNs are ignored.
    /// Nil when no finite value remains.
    static func clippedMeanAndStd(_ values: [Double], sigma: Double, maxIterations: Int = 5) -> (mean: Double, std: Double)? {
        var kept = values.filter { $0.isFinite }
        for _ in 0..<maxIterations {
            guard !kept.isEmpty else { return nil }
            let centre = median(kept)
            let spread = standardDeviation(kept)
            let next = kept.filter { abs($0 - centre) <= sigma * spread }
            if next.count == kept.count { break }
            kept = next
        }
        guard !kept.isEmpty else { return nil }
        return (mean(kept), standardDeviation(kept))
    }

    /// Which `values` astropy's `sigma_clip(values, sigma, cenfunc=median, stdfunc=mad_std)`
    /// masks: NaNs, and values further than `sigma` x 1.4826 MAD from the median of the
    /// values still kept, iterated up to `maxIterations` times.
    static func madOutliers(_ values: [Double], sigma: Double, maxIterations: Int = 5) -> [Bool] {
        var masked = values.map { !$0.isFinite }
        for _ in 0..<maxIterations {
            let kept = values.indices.filter { !masked[$0] }.map { values[$0] }
            guard !kept.isEmpty else { break }
            let centre = median(kept)
            let spread = madScale * median(kept.map { abs($0 - centre) })
            var changed = false
            for i in values.indices where !masked[i] && abs(values[i] - centre) > sigma * spread {
                masked[i] = true
                changed = true
            }
            if !changed { break }
        }
        return masked
    }

    /// The median (the mean of the middle two for an even count; NaN when empty), by
    /// quickselect on a copy: the same value as sorting, in linear time (sorting the
    /// background annulus of every channel was two thirds of the spectra stage's time).
    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        guard !values.contains(where: \.isNaN) else {   // NaNs order as sorting puts them
            let sorted = values.sorted(), n = sorted.count
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        }
        var scratch = values
        return scratch.withUnsafeMutableBufferPointer { MedianSelect.median($0.baseAddress!, count: $0.count) }
    }

    static func mean(_ values: [Double]) -> Double {
        values.reduce(0, +) / Double(values.count)
    }

    /// Population (ddof = 0) standard deviation.
    static func standardDeviation(_ values: [Double]) -> Double {
        let m = mean(values)
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count)).squareRoot()
    }
}
