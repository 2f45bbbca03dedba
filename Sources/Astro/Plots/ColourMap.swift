/// A colour map: colours at equally spaced anchors in [0, 1], linear in between.
public struct ColourMap: Sendable {
    public let name: String
    let anchors: [Colour]

    public init(name: String, anchors: [Colour]) {
        precondition(anchors.count >= 2, "a colour map needs two anchors")
        self.name = name
        self.anchors = anchors
    }

    /// The colour at `t` (clamped to [0, 1]); NaN is grey.
    public func colour(at t: Double) -> Colour {
        guard t.isFinite else { return .grey }
        let x = min(max(t, 0), 1) * Double(anchors.count - 1)
        let k = min(Int(x), anchors.count - 2)
        let f = x - Double(k)
        let a = anchors[k], b = anchors[k + 1]
        func mix(_ p: UInt8, _ q: UInt8) -> UInt8 { UInt8((Double(p) * (1 - f) + Double(q) * f).rounded()) }
        return Colour(mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b))
    }

    /// matplotlib's viridis (sampled at ninths): sequential, perceptually uniform.
    public static let viridis = ColourMap(name: "viridis", anchors: [
        Colour(68, 1, 84), Colour(72, 40, 120), Colour(62, 73, 137), Colour(49, 104, 142), Colour(38, 130, 142),
        Colour(31, 158, 137), Colour(53, 183, 121), Colour(110, 206, 88), Colour(253, 231, 37),
    ])

    /// Blue - white - red (ColorBrewer RdBu reversed): diverging about the middle.
    public static let blueWhiteRed = ColourMap(name: "blue-white-red", anchors: [
        Colour(33, 102, 172), Colour(103, 169, 207), Colour(209, 229, 240), Colour(247, 247, 247),
        Colour(253, 219, 199), Colour(239, 138, 98), Colour(178, 24, 43),
    ])
}

/// Values to colours: a map over [low, high].
public struct ColourScale: Sendable {
    public let map: ColourMap
    public let low: Double
    public let high: Double
    public let label: String

    public init(map: ColourMap, low: Double, high: Double, label: String) {
        self.map = map
        self.low = low
        self.high = high > low ? high : low + 1
        self.label = label
    }

    /// A scale over the finite values' 2nd..98th percentiles (robust to outliers);
    /// `symmetric` centres it on zero (for a diverging map).
    public init(map: ColourMap, values: [Double], label: String, symmetric: Bool = false) {
        let v = values.filter(\.isFinite).sorted()
        var lo = v.isEmpty ? 0 : v[Int(Double(v.count - 1) * 0.02)]
        var hi = v.isEmpty ? 1 : v[Int((Double(v.count - 1) * 0.98).rounded())]
        if symmetric { let m = max(abs(lo), abs(hi), 1e-12); lo = -m; hi = m }
        if hi <= lo { let pad = max(abs(lo) * 0.1, 1e-12); lo -= pad; hi += pad }
        self.init(map: map, low: lo, high: hi, label: label)
    }

    public func colour(_ value: Double) -> Colour { map.colour(at: (value - low) / (high - low)) }
}
