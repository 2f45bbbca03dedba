/// A canvas of RGBA pixels, origin at the top left, y down. Drawing blends by alpha and
/// clips at the edges; coordinates are pixel centres in Double.
public struct Raster: Sendable {
    public let width: Int
    public let height: Int
    public private(set) var pixels: [Colour]

    public init(width: Int, height: Int, background: Colour = .white) {
        self.width = width
        self.height = height
        pixels = Array(repeating: background, count: width * height)
    }

    public subscript(x: Int, y: Int) -> Colour { pixels[y * width + x] }

    /// Paints one pixel (alpha-blended over what is there); outside the canvas does nothing.
    public mutating func plot(_ x: Int, _ y: Int, _ c: Colour) {
        guard x >= 0, y >= 0, x < width, y < height, c.a > 0 else { return }
        let i = y * width + x
        if c.a == 255 { pixels[i] = c; return }
        let old = pixels[i]
        let a = Double(c.a) / 255
        func mix(_ new: UInt8, _ was: UInt8) -> UInt8 { UInt8((Double(new) * a + Double(was) * (1 - a)).rounded()) }
        pixels[i] = Colour(mix(c.r, old.r), mix(c.g, old.g), mix(c.b, old.b), max(old.a, c.a))
    }

    /// A filled rectangle of the pixels [x0, x1] x [y0, y1] (inclusive, any order).
    public mutating func fillRect(x0: Int, y0: Int, x1: Int, y1: Int, _ c: Colour) {
        let xa = max(0, min(x0, x1)), xb = min(width - 1, max(x0, x1))
        let ya = max(0, min(y0, y1)), yb = min(height - 1, max(y0, y1))
        guard xa <= xb, ya <= yb else { return }
        for y in ya...yb { for x in xa...xb { plot(x, y, c) } }
    }

    /// The outline of a rectangle, one pixel wide.
    public mutating func strokeRect(x0: Int, y0: Int, x1: Int, y1: Int, _ c: Colour) {
        line(Double(x0), Double(y0), Double(x1), Double(y0), c)
        line(Double(x1), Double(y0), Double(x1), Double(y1), c)
        line(Double(x1), Double(y1), Double(x0), Double(y1), c)
        line(Double(x0), Double(y1), Double(x0), Double(y0), c)
    }

    /// A straight line (Bresenham on the rounded end points), `width` pixels thick.
    public mutating func line(_ xa: Double, _ ya: Double, _ xb: Double, _ yb: Double, _ c: Colour, width: Int = 1) {
        guard xa.isFinite, ya.isFinite, xb.isFinite, yb.isFinite else { return }
        // Clamp far-away end points so a line off the canvas cannot loop for ever.
        let bound = Double(4 * max(self.width, height))
        var x0 = Int(min(max(xa, -bound), bound).rounded()), y0 = Int(min(max(ya, -bound), bound).rounded())
        let x1 = Int(min(max(xb, -bound), bound).rounded()), y1 = Int(min(max(yb, -bound), bound).rounded())
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        let lo = -(width - 1) / 2, hi = width / 2
        while true {
            for oy in lo...hi { for ox in lo...hi { plot(x0 + ox, y0 + oy, c) } }
            if x0 == x1 && y0 == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x0 += sx }
            if e2 <= dx { err += dx; y0 += sy }
        }
    }

    /// A filled disc of `radius` pixels centred on (cx, cy), with an optional outline.
    public mutating func fillCircle(_ cx: Double, _ cy: Double, radius: Double, _ c: Colour, outline: Colour? = nil) {
        guard cx.isFinite, cy.isFinite, radius.isFinite, radius > 0 else { return }
        let r2 = radius * radius, inner = max(radius - 1, 0) * max(radius - 1, 0)
        let xLo = Int((cx - radius).rounded(.down)), xHi = Int((cx + radius).rounded(.up))
        let yLo = Int((cy - radius).rounded(.down)), yHi = Int((cy + radius).rounded(.up))
        guard xHi >= 0, yHi >= 0, xLo < width, yLo < height else { return }
        for y in max(yLo, 0)...min(yHi, height - 1) {
            for x in max(xLo, 0)...min(xHi, width - 1) {
                let d2 = (Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy)
                guard d2 <= r2 else { continue }
                if let outline, d2 > inner { plot(x, y, outline) } else { plot(x, y, c) }
            }
        }
    }

    /// The image as PNG samples: RGB when every pixel is opaque (or `format` says so).
    public func png(format: PNGImage.Format? = nil) -> PNGImage {
        let f = format ?? (pixels.allSatisfy { $0.a == 255 } ? .rgb : .rgba)
        var s = [UInt8]()
        s.reserveCapacity(pixels.count * (f == .rgb ? 3 : 4))
        for p in pixels {
            s.append(p.r); s.append(p.g); s.append(p.b)
            if f == .rgba { s.append(p.a) }
        }
        return PNGImage(width: width, height: height, format: f, samples: s)
    }
}
