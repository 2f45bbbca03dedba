/// An 8-bit sRGB colour with alpha (255 = opaque).
public struct Colour: Sendable, Hashable {
    public var r: UInt8, g: UInt8, b: UInt8, a: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8, _ a: UInt8 = 255) {
        self.r = r; self.g = g; self.b = b; self.a = a
    }

    /// From components in 0...1 (clamped).
    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        func byte(_ v: Double) -> UInt8 { UInt8((min(max(v, 0), 1) * 255).rounded()) }
        self.init(byte(red), byte(green), byte(blue), byte(alpha))
    }

    public func with(alpha: UInt8) -> Colour { Colour(r, g, b, alpha) }

    public static let white = Colour(255, 255, 255)
    public static let black = Colour(0, 0, 0)
    public static let grey = Colour(128, 128, 128)
    public static let lightGrey = Colour(220, 220, 220)
    public static let red = Colour(214, 39, 40)
    public static let blue = Colour(31, 119, 180)
    public static let orange = Colour(255, 127, 14)
    public static let clear = Colour(0, 0, 0, 0)
}
