/// A sky map of values binned on an RA/Dec grid: each cell coloured by the sigma-clipped
/// median of the values that fall in it (3 sigma, MAD-based, until nothing changes), empty
/// cells left blank. Right ascension increases to the left.
public struct BinnedSkyMap: Sendable {
    public let title: String
    public let label: String
    public let raEdges: [Double]
    public let decEdges: [Double]
    /// Per cell [dec bin][ra bin]; NaN for an empty cell.
    public let medians: [[Double]]
    public let scale: ColourScale

    /// `bins` x `bins` cells over the finite positions' range; rows with a non-finite
    /// position or value are left out.
    public init(title: String, label: String, ra: [Double], dec: [Double], values: [Double], bins: Int = 11,
                map: ColourMap = .blueWhiteRed, symmetric: Bool = true) {
        let keep = ra.indices.filter { ra[$0].isFinite && dec[$0].isFinite && values[$0].isFinite }
        let n = max(bins, 1)
        func edges(_ v: [Double]) -> [Double] {
            var lo = v.min() ?? 0, hi = v.max() ?? 1
            if hi <= lo { lo -= 0.5; hi += 0.5 }
            return (0...n).map { lo + (hi - lo) * Double($0) / Double(n) }
        }
        raEdges = edges(keep.map { ra[$0] })
        decEdges = edges(keep.map { dec[$0] })
        func bin(_ x: Double, _ e: [Double]) -> Int { min(Int((x - e[0]) / (e[n] - e[0]) * Double(n)), n - 1) }
        var cells = Array(repeating: Array(repeating: [Double](), count: n), count: n)
        for i in keep { cells[bin(dec[i], decEdges)][bin(ra[i], raEdges)].append(values[i]) }
        medians = cells.map { row in row.map(Self.clippedMedian) }
        self.title = title
        self.label = label
        scale = ColourScale(map: map, values: medians.flatMap { $0 }, label: label, symmetric: symmetric)
    }

    /// The median after clipping values more than 3 x 1.4826 MAD from it, repeated until
    /// nothing more is clipped (astropy's sigma_clip with mad_std); NaN when empty.
    static func clippedMedian(_ values: [Double]) -> Double {
        var v = values.sorted()
        while !v.isEmpty {
            let m = median(v)
            let mad = 1.4826 * median(v.map { abs($0 - m) }.sorted())
            let kept = v.filter { abs($0 - m) <= 3 * mad }
            if kept.count == v.count || kept.isEmpty { return m }
            v = kept
        }
        return .nan
    }

    private static func median(_ sorted: [Double]) -> Double {
        let c = sorted.count
        return c % 2 == 1 ? sorted[c / 2] : (sorted[c / 2 - 1] + sorted[c / 2]) / 2
    }

    public func image() -> PNGImage {
        var figure = Figure(title: title, x: PlotAxis(label: "RA (deg)", low: raEdges.first!, high: raEdges.last!, reversed: true),
                            y: PlotAxis(label: "Dec (deg)", low: decEdges.first!, high: decEdges.last!), colourScale: scale)
        let f = figure.frame
        var any = false
        for (j, row) in medians.enumerated() {
            for (k, m) in row.enumerated() where m.isFinite {
                any = true
                figure.raster.fillRect(x0: Int(f.px(raEdges[k]).rounded()), y0: Int(f.py(decEdges[j]).rounded()),
                                       x1: Int(f.px(raEdges[k + 1]).rounded()), y1: Int(f.py(decEdges[j + 1]).rounded()),
                                       scale.colour(m))
            }
        }
        if !any { figure.raster.text("no data", x: f.left + 8, y: f.top + 8, scale: 2) }
        return figure.image()
    }
}
