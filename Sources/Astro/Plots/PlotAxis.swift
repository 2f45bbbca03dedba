/// One axis of a plot: its label and the data range it shows.
public struct PlotAxis: Sendable {
    public var label: String
    public var low: Double
    public var high: Double
    /// Increasing to the left (x) or downwards (y): right ascension on a sky map.
    public var reversed: Bool

    public init(label: String, low: Double, high: Double, reversed: Bool = false) {
        self.label = label
        self.low = low
        self.high = high > low ? high : low + 1
        self.reversed = reversed
    }

    /// A range that holds every finite value with `padding` (a fraction of the span) each side.
    public init(label: String, covering values: [Double], padding: Double = 0.05, reversed: Bool = false) {
        let v = values.filter(\.isFinite)
        var lo = v.min() ?? 0, hi = v.max() ?? 1
        if hi <= lo { let pad = max(abs(lo) * 0.1, 0.5); lo -= pad; hi += pad }
        let span = hi - lo
        self.init(label: label, low: lo - padding * span, high: hi + padding * span, reversed: reversed)
    }

    /// The fraction of the way along the axis (0 at the start, 1 at the end) of `value`.
    func fraction(_ value: Double) -> Double {
        let f = (value - low) / (high - low)
        return reversed ? 1 - f : f
    }
}
