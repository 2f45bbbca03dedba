/// Counts of values in equal-width bins, drawn as bars.
public struct HistogramPlot: Sendable {
    public let title: String
    public let label: String
    /// Bin edges (`counts.count + 1` of them).
    public let edges: [Double]
    public let counts: [Int]

    /// `bins` equal bins over the finite values' range (non-finite values are left out).
    public init(title: String, label: String, values: [Double], bins: Int = 20) {
        self.title = title
        self.label = label
        let v = values.filter(\.isFinite)
        var lo = v.min() ?? 0, hi = v.max() ?? 1
        if hi <= lo { lo -= 0.5; hi += 0.5 }
        let n = max(bins, 1)
        edges = (0...n).map { lo + (hi - lo) * Double($0) / Double(n) }
        var c = Array(repeating: 0, count: n)
        for x in v { c[min(Int((x - lo) / (hi - lo) * Double(n)), n - 1)] += 1 }
        counts = c
    }

    public func image() -> PNGImage {
        let top = Double(counts.max() ?? 0)
        var figure = Figure(title: title, x: PlotAxis(label: label, low: edges.first!, high: edges.last!),
                            y: PlotAxis(label: "count", low: 0, high: max(top * 1.1, 1)))
        let f = figure.frame
        for (k, c) in counts.enumerated() where c > 0 {
            let x0 = Int(f.px(edges[k]).rounded()), x1 = Int(f.px(edges[k + 1]).rounded())
            let y0 = Int(f.py(Double(c)).rounded())
            figure.raster.fillRect(x0: x0, y0: y0, x1: x1, y1: f.bottom, .blue)
            figure.raster.strokeRect(x0: x0, y0: y0, x1: x1, y1: f.bottom, .black)
        }
        return figure.image()
    }
}
