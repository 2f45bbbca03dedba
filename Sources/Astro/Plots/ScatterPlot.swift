/// One marker of a scatter plot.
public struct ScatterPoint: Sendable {
    public var x: Double
    public var y: Double
    public var colour: Colour
    /// Disc radius in pixels.
    public var radius: Double
    /// A ring (outline only) rather than a disc.
    public var hollow: Bool

    public init(x: Double, y: Double, colour: Colour, radius: Double = 4, hollow: Bool = false) {
        self.x = x; self.y = y; self.colour = colour; self.radius = radius; self.hollow = hollow
    }
}

/// A legend line: a marker (colour, size, filled or a ring) and what it means.
public struct LegendEntry: Sendable {
    public var label: String
    public var colour: Colour
    public var radius: Double
    public var hollow: Bool
    public init(_ label: String, _ colour: Colour, radius: Double = 4, hollow: Bool = false) {
        self.label = label; self.colour = colour; self.radius = radius; self.hollow = hollow
    }
}

/// Markers at (x, y), each with its colour and size (a sky map colours them by a value
/// through a `ColourScale` shown as a colour bar; a bubble plot sizes them by one).
public struct ScatterPlot: Sendable {
    public var title: String
    public var x: PlotAxis
    public var y: PlotAxis
    public var points: [ScatterPoint]
    public var colourScale: ColourScale?
    public var legend: [LegendEntry]
    /// Text drawn in the data area's top left corner (e.g. "no data").
    public var note: String?

    public init(title: String, x: PlotAxis, y: PlotAxis, points: [ScatterPoint], colourScale: ColourScale? = nil,
                legend: [LegendEntry] = [], note: String? = nil) {
        self.title = title; self.x = x; self.y = y; self.points = points
        self.colourScale = colourScale; self.legend = legend; self.note = note
    }

    /// A sky map: right ascension increasing to the left, points coloured by `values`.
    /// Rows with a non-finite position or value are left out.
    public static func skyMap(title: String, ra: [Double], dec: [Double], values: [Double], scale: ColourScale,
                              radius: Double = 5) -> ScatterPlot {
        let keep = ra.indices.filter { ra[$0].isFinite && dec[$0].isFinite && values[$0].isFinite }
        let points = keep.map { ScatterPoint(x: ra[$0], y: dec[$0], colour: scale.colour(values[$0]), radius: radius) }
        return ScatterPlot(title: title, x: PlotAxis(label: "RA (deg)", covering: keep.map { ra[$0] }, reversed: true),
                           y: PlotAxis(label: "Dec (deg)", covering: keep.map { dec[$0] }), points: points,
                           colourScale: scale, note: keep.isEmpty ? "no data" : nil)
    }

    public func image() -> PNGImage {
        var figure = Figure(title: title, x: x, y: y, colourScale: colourScale)
        let f = figure.frame
        // Big markers first, so small ones stay visible on top.
        for p in points.sorted(by: { $0.radius > $1.radius }) {
            let cx = f.px(p.x), cy = f.py(p.y)
            guard f.contains(px: cx, py: cy) else { continue }
            figure.raster.fillCircle(cx, cy, radius: p.radius, p.hollow ? .clear : p.colour.with(alpha: 210), outline: p.colour)
        }
        if let note { figure.raster.text(note, x: f.left + 8, y: f.top + 8, scale: 2) }
        figure.drawLegend(legend)
        return figure.image()
    }
}
