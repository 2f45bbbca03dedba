import Foundation

/// Axis ticks at round numbers (1, 2 or 5 x 10^k apart) and their labels.
public enum NiceTicks {
    /// About `target` ticks inside [low, high].
    public static func ticks(low: Double, high: Double, target: Int = 5) -> (values: [Double], step: Double) {
        guard low.isFinite, high.isFinite, high > low else { return ([], 1) }
        let raw = (high - low) / Double(max(target, 1))
        let magnitude = pow(10, floor(log10(raw)))
        // The round step nearest the raw one (on a log scale).
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.min { abs(log($0 / raw)) < abs(log($1 / raw)) }!
        var values: [Double] = []
        var k = ceil(low / step - 1e-9)
        while k * step <= high + step * 1e-9 {
            values.append(abs(k * step) < step * 1e-9 ? 0 : k * step)
            k += 1
        }
        return (values, step)
    }

    /// `value` with as many decimals as `step` needs (no exponent for ordinary ranges).
    public static func label(_ value: Double, step: Double) -> String {
        if abs(value) >= 1e5 || (abs(value) < 1e-3 && value != 0) { return String(format: "%.1e", value) }
        let decimals = max(0, min(6, Int(-floor(log10(step) + 1e-9))))
        return String(format: "%.\(decimals)f", value)
    }
}
