import Foundation

/// A geomagnetic field vector in the local geodetic frame, nT: north (X), east (Y) and
/// down (Z), the components the World Magnetic Model reports.
public struct MagneticField: Sendable, Equatable {
    public var north: Double
    public var east: Double
    public var down: Double

    public init(north: Double, east: Double, down: Double) {
        self.north = north
        self.east = east
        self.down = down
    }

    /// The same field as an ITRF vector (nT), given the place whose local frame the
    /// components refer to. Its dot product with a line of sight is B∥ for the Faraday
    /// rotation.
    public func itrf(at position: GeodeticPosition) -> ITRFVector {
        LocalFrame(at: position).vector(east: east, north: north, up: -down)
    }

    /// The total intensity F, nT.
    public var intensity: Double {
        hypot(hypot(north, east), down)
    }
}
