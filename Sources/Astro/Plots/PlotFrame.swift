/// Where a plot's data area sits on the canvas and how data map to pixels in it.
public struct PlotFrame: Sendable {
    public let x: PlotAxis
    public let y: PlotAxis
    /// Pixel edges of the data area (inclusive).
    public let left: Int, top: Int, right: Int, bottom: Int

    public init(x: PlotAxis, y: PlotAxis, left: Int, top: Int, right: Int, bottom: Int) {
        self.x = x; self.y = y
        self.left = left; self.top = top; self.right = right; self.bottom = bottom
    }

    /// The pixel column of data value `v` on the x axis.
    public func px(_ v: Double) -> Double { Double(left) + x.fraction(v) * Double(right - left) }
    /// The pixel row of data value `v` on the y axis (up the page).
    public func py(_ v: Double) -> Double { Double(bottom) - y.fraction(v) * Double(bottom - top) }

    public func contains(px: Double, py: Double) -> Bool {
        px >= Double(left) && px <= Double(right) && py >= Double(top) && py <= Double(bottom)
    }
}
