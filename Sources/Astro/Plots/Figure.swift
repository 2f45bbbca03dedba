/// A canvas with one plot frame: grid, axes with ticks and labels, a title and optionally a
/// colour bar. Draw data between `init` (background and grid) and `image()` (frame, ticks,
/// labels on top).
public struct Figure: Sendable {
    public var raster: Raster
    public let frame: PlotFrame
    public let title: String
    public let colourScale: ColourScale?

    public static let defaultWidth = 720
    public static let defaultHeight = 540

    public init(title: String, x: PlotAxis, y: PlotAxis, colourScale: ColourScale? = nil,
                width: Int = Figure.defaultWidth, height: Int = Figure.defaultHeight) {
        raster = Raster(width: width, height: height)
        let right = width - 20 - (colourScale == nil ? 0 : 110)
        frame = PlotFrame(x: x, y: y, left: 78, top: 36, right: right, bottom: height - 50)
        self.title = title
        self.colourScale = colourScale
        for t in NiceTicks.ticks(low: x.low, high: x.high).values {
            let p = frame.px(t)
            raster.line(p, Double(frame.top), p, Double(frame.bottom), .lightGrey)
        }
        for t in NiceTicks.ticks(low: y.low, high: y.high).values {
            let p = frame.py(t)
            raster.line(Double(frame.left), p, Double(frame.right), p, .lightGrey)
        }
    }

    /// The finished plot: margins cleared of anything drawn outside the data area, the
    /// frame, ticks, tick labels, axis labels, title and colour bar drawn.
    public func image() -> PNGImage {
        var r = raster
        let f = frame
        r.fillRect(x0: 0, y0: 0, x1: r.width - 1, y1: f.top - 1, .white)
        r.fillRect(x0: 0, y0: f.bottom + 1, x1: r.width - 1, y1: r.height - 1, .white)
        r.fillRect(x0: 0, y0: 0, x1: f.left - 1, y1: r.height - 1, .white)
        r.fillRect(x0: f.right + 1, y0: 0, x1: r.width - 1, y1: r.height - 1, .white)
        r.strokeRect(x0: f.left, y0: f.top, x1: f.right, y1: f.bottom, .black)

        let xt = NiceTicks.ticks(low: f.x.low, high: f.x.high)
        for t in xt.values {
            let p = f.px(t)
            r.line(p, Double(f.bottom), p, Double(f.bottom + 5), .black)
            r.text(NiceTicks.label(t, step: xt.step), x: Int(p.rounded()), y: f.bottom + 9, anchor: .centre)
        }
        let yt = NiceTicks.ticks(low: f.y.low, high: f.y.high)
        for t in yt.values {
            let p = f.py(t)
            r.line(Double(f.left - 5), p, Double(f.left), p, .black)
            r.text(NiceTicks.label(t, step: yt.step), x: f.left - 8, y: Int(p.rounded()) - 3, anchor: .right)
        }
        r.text(f.x.label, x: (f.left + f.right) / 2, y: r.height - 22, scale: 1, anchor: .centre)
        r.verticalText(f.y.label, x: 8, y: (f.top + f.bottom) / 2)
        let titleScale = BitmapFont.width(title, scale: 2) <= r.width - 40 ? 2 : 1
        r.text(title, x: r.width / 2, y: 10, scale: titleScale, anchor: .centre)
        if let colourScale { drawColourBar(colourScale, on: &r) }
        return r.png()
    }

    /// A box in the data area's top right corner: a marker and a label per entry.
    public mutating func drawLegend(_ legend: [LegendEntry]) {
        guard !legend.isEmpty else { return }
        let f = frame
        // Each line as tall as its marker (at least the text's 14 pixels).
        let marker = Int((legend.map(\.radius).max() ?? 4).rounded(.up))
        let heights = legend.map { max(14, 2 * Int($0.radius.rounded(.up)) + 4) }
        let width = (legend.map { BitmapFont.width($0.label) }.max() ?? 0) + 2 * marker + 22
        let x0 = f.right - width - 6, y0 = f.top + 6, y1 = y0 + heights.reduce(0, +) + 6
        raster.fillRect(x0: x0, y0: y0, x1: f.right - 6, y1: y1, .white)
        raster.strokeRect(x0: x0, y0: y0, x1: f.right - 6, y1: y1, .grey)
        var y = y0 + 3
        for (k, e) in legend.enumerated() {
            let cy = y + heights[k] / 2
            raster.fillCircle(Double(x0 + 6 + marker), Double(cy), radius: e.radius, e.hollow ? .clear : e.colour, outline: e.colour)
            raster.text(e.label, x: x0 + 14 + 2 * marker, y: cy - 3)
            y += heights[k]
        }
    }

    private func drawColourBar(_ scale: ColourScale, on r: inout Raster) {
        let x0 = frame.right + 18, x1 = x0 + 16
        let top = frame.top, bottom = frame.bottom
        for y in top...bottom {
            let t = Double(bottom - y) / Double(bottom - top)
            r.fillRect(x0: x0, y0: y, x1: x1, y1: y, scale.map.colour(at: t))
        }
        r.strokeRect(x0: x0, y0: top, x1: x1, y1: bottom, .black)
        let ticks = NiceTicks.ticks(low: scale.low, high: scale.high)
        for t in ticks.values {
            let y = Double(bottom) - (t - scale.low) / (scale.high - scale.low) * Double(bottom - top)
            r.line(Double(x1), y, Double(x1 + 4), y, .black)
            r.text(NiceTicks.label(t, step: ticks.step), x: x1 + 7, y: Int(y.rounded()) - 3)
        }
        r.verticalText(scale.label, x: r.width - 14, y: (top + bottom) / 2)
    }
}
