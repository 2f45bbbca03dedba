/// One quantity measured against its expected value: points with vertical error bars and
/// the 1:1 line, both axes over the same range.
public struct ComparisonPlot: Sendable {
    public let title: String
    public let xLabel: String
    public let yLabel: String
    public let x: [Double]
    public let y: [Double]
    /// One-sigma error of each y (NaN: no bar).
    public let yError: [Double]
    /// One colour per point.
    public let colours: [Colour]
    public let legend: [LegendEntry]
    /// Said in the data area when there are no points (default "no data").
    public let emptyNote: String

    public init(title: String, xLabel: String, yLabel: String, x: [Double], y: [Double], yError: [Double],
                colours: [Colour]? = nil, legend: [LegendEntry] = [], emptyNote: String = "no data") {
        precondition(x.count == y.count && y.count == yError.count, "x, y and yError differ in length")
        precondition(colours == nil || colours!.count == x.count, "one colour per point")
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
        self.x = x; self.y = y; self.yError = yError
        self.colours = colours ?? Array(repeating: .blue, count: x.count)
        self.legend = legend
        self.emptyNote = emptyNote
    }

    public func image() -> PNGImage {
        let keep = x.indices.filter { x[$0].isFinite && y[$0].isFinite }
        let all = keep.flatMap { [x[$0], y[$0]] }
        let range = PlotAxis(label: "", covering: all)
        var figure = Figure(title: title, x: PlotAxis(label: xLabel, low: range.low, high: range.high),
                            y: PlotAxis(label: yLabel, low: range.low, high: range.high))
        let f = figure.frame
        figure.raster.line(f.px(range.low), f.py(range.low), f.px(range.high), f.py(range.high), .grey, width: 2)
        for k in keep {
            let cx = f.px(x[k]), cy = f.py(y[k])
            if yError[k].isFinite, yError[k] > 0 {
                // Bars reaching past the data area are cut at its edge by Figure.image().
                figure.raster.line(cx, f.py(y[k] - yError[k]), cx, f.py(y[k] + yError[k]), .black)
            }
            figure.raster.fillCircle(cx, cy, radius: 3.5, colours[k])
        }
        if keep.isEmpty { figure.raster.text(emptyNote, x: f.left + 8, y: f.top + 8, scale: 2) }
        if !keep.isEmpty { figure.drawLegend(legend) }
        return figure.image()
    }
}
