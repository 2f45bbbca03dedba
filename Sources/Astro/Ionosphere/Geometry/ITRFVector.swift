import Foundation

/// A vector in the ITRF (International Terrestrial Reference Frame): Earth-centred and
/// Earth-fixed, x toward (0°N, 0°E), y toward (0°N, 90°E), z toward the north pole.
///
/// Positions are in metres; directions and the local frame's axes are unitless. The type
/// is deliberately plain (three doubles) so the ionosphere code reads like the formulas.
public struct ITRFVector: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var z: Double

    public init(x: Double, y: Double, z: Double) {
        self.x = x
        self.y = y
        self.z = z
    }

    public static func + (lhs: ITRFVector, rhs: ITRFVector) -> ITRFVector {
        ITRFVector(x: lhs.x + rhs.x, y: lhs.y + rhs.y, z: lhs.z + rhs.z)
    }

    public static func - (lhs: ITRFVector, rhs: ITRFVector) -> ITRFVector {
        ITRFVector(x: lhs.x - rhs.x, y: lhs.y - rhs.y, z: lhs.z - rhs.z)
    }

    public static prefix func - (vector: ITRFVector) -> ITRFVector {
        ITRFVector(x: -vector.x, y: -vector.y, z: -vector.z)
    }

    public static func * (scale: Double, vector: ITRFVector) -> ITRFVector {
        ITRFVector(x: scale * vector.x, y: scale * vector.y, z: scale * vector.z)
    }

    public static func * (vector: ITRFVector, scale: Double) -> ITRFVector {
        scale * vector
    }

    /// The scalar product.
    public func dot(_ other: ITRFVector) -> Double {
        x * other.x + y * other.y + z * other.z
    }

    /// The vector product `self × other`.
    public func cross(_ other: ITRFVector) -> ITRFVector {
        ITRFVector(x: y * other.z - z * other.y,
                   y: z * other.x - x * other.z,
                   z: x * other.y - y * other.x)
    }

    /// The Euclidean length (metres for a position).
    public var norm: Double {
        // hypot avoids overflow and keeps full precision for very long vectors.
        hypot(hypot(x, y), z)
    }

    /// The unit vector along this one; NaN components for the zero vector (there is no
    /// direction to give) or for a non-finite one.
    public var normalized: ITRFVector {
        let length = norm
        guard length > 0, length.isFinite else {
            return ITRFVector(x: .nan, y: .nan, z: .nan)
        }
        return (1 / length) * self
    }

    /// True when every component is finite.
    public var isFinite: Bool {
        x.isFinite && y.isFinite && z.isFinite
    }
}
