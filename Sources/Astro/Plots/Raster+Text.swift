/// Text in `BitmapFont` on a raster.
extension Raster {
    public enum TextAnchor: Sendable { case left, centre, right }

    /// Draws `text` with its top edge at `y`; `x` is its left edge, centre or right edge.
    public mutating func text(_ text: String, x: Int, y: Int, _ c: Colour = .black, scale: Int = 1,
                              anchor: TextAnchor = .left) {
        let w = BitmapFont.width(text, scale: scale)
        var cx = anchor == .left ? x : anchor == .centre ? x - w / 2 : x - w
        for ch in text {
            let rows = BitmapFont.glyph(ch)
            let top = y + (BitmapFont.descends(ch) ? scale : 0)
            for (r, bits) in rows.enumerated() {
                for col in 0..<BitmapFont.glyphWidth where (bits >> UInt8(BitmapFont.glyphWidth - 1 - col)) & 1 == 1 {
                    fillRect(x0: cx + col * scale, y0: top + r * scale,
                             x1: cx + col * scale + scale - 1, y1: top + r * scale + scale - 1, c)
                }
            }
            cx += BitmapFont.advance * scale
        }
    }

    /// Draws `text` turned 90 degrees anticlockwise (reading upwards), its left edge at `x`
    /// and centred vertically on `y`.
    public mutating func verticalText(_ text: String, x: Int, y: Int, _ c: Colour = .black, scale: Int = 1) {
        let w = BitmapFont.width(text, scale: scale)
        var cy = y + w / 2
        for ch in text {
            let rows = BitmapFont.glyph(ch)
            let left = x + (BitmapFont.descends(ch) ? scale : 0)
            for (r, bits) in rows.enumerated() {
                for col in 0..<BitmapFont.glyphWidth where (bits >> UInt8(BitmapFont.glyphWidth - 1 - col)) & 1 == 1 {
                    // Glyph column -> up the page, glyph row -> right.
                    let px = left + r * scale, py = cy - col * scale
                    fillRect(x0: px, y0: py - scale + 1, x1: px + scale - 1, y1: py, c)
                }
            }
            cy -= BitmapFont.advance * scale
        }
    }
}
