/// A rectangle of pixels in a cube's celestial plane: 0-based, half-open
/// (`x0 ..< x1`, `y0 ..< y1`), x along NAXIS1 and y along NAXIS2.
public struct CutoutBox: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var x: Range<Int>
    public var y: Range<Int>

    public init(x: Range<Int>, y: Range<Int>) {
        self.x = x
        self.y = y
    }

    public var width: Int { x.count }
    public var height: Int { y.count }
    public var isEmpty: Bool { x.isEmpty || y.isEmpty }

    /// The part of the box inside a `width` x `height` image, nil when they do not overlap.
    public func clipped(width: Int, height: Int) -> CutoutBox? {
        let cx = max(x.lowerBound, 0)..<max(min(x.upperBound, width), max(x.lowerBound, 0))
        let cy = max(y.lowerBound, 0)..<max(min(y.upperBound, height), max(y.lowerBound, 0))
        let box = CutoutBox(x: cx, y: cy)
        return box.isEmpty ? nil : box
    }

    public var description: String {
        "x \(x.lowerBound)..<\(x.upperBound), y \(y.lowerBound)..<\(y.upperBound)"
    }
}
