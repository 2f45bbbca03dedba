import Foundation

/// A place given by geodetic latitude, longitude and height on the WGS84 ellipsoid.
///
/// Geodetic latitude is the angle between the equator and the ellipsoid's normal (not the
/// line to the Earth's centre); height is measured along that normal. This is what
/// telescope positions, the IONEX grids and the World Magnetic Model all expect.
public struct GeodeticPosition: Sendable, Equatable {
    /// Geodetic latitude, degrees, −90…90.
    public var latitude: Double
    /// Longitude, degrees east, −180…180 when made from an ITRF vector.
    public var longitude: Double
    /// Height above the ellipsoid, metres.
    public var height: Double

    public init(latitude: Double, longitude: Double, height: Double) {
        self.latitude = latitude
        self.longitude = longitude
        self.height = height
    }

    /// ASKAP (the Murchison Radio-astronomy Observatory): 26°42′15″ S, 116°39′32″ E, 381 m.
    public static let askap = GeodeticPosition(latitude: -26.7042, longitude: 116.6589, height: 381)

    /// The Earth-centred, Earth-fixed position, metres.
    public var itrf: ITRFVector {
        let phi = latitude * .pi / 180, lambda = longitude * .pi / 180
        let sinPhi = sin(phi), cosPhi = cos(phi)
        // Radius of curvature in the prime vertical.
        let n = WGS84.semiMajorAxis / (1 - WGS84.eccentricitySquared * sinPhi * sinPhi).squareRoot()
        return ITRFVector(x: (n + height) * cosPhi * cos(lambda),
                          y: (n + height) * cosPhi * sin(lambda),
                          z: (n * (1 - WGS84.eccentricitySquared) + height) * sinPhi)
    }

    /// The geodetic position of an ITRF point (metres).
    ///
    /// Bowring's iteration on the reduced latitude, run to convergence (two or three
    /// passes near the surface), then the height from the foot of the normal in a form that
    /// stays exact at the poles. It inverts `itrf` to better than 1e-9° and 0.1 mm from
    /// 10 km below the ellipsoid to 1e8 m above it. The longitude at the poles (where any
    /// is right) is 0; non-finite input gives NaN.
    public init(itrf point: ITRFVector) {
        let a = WGS84.semiMajorAxis, b = WGS84.semiMinorAxis
        let e2 = WGS84.eccentricitySquared, ep2 = WGS84.secondEccentricitySquared
        let p = hypot(point.x, point.y), z = point.z
        guard point.isFinite else {
            self.init(latitude: .nan, longitude: .nan, height: .nan)
            return
        }
        var beta = atan2(z, (1 - WGS84.flattening) * p)  // reduced latitude, first guess
        var phi = beta
        for _ in 0..<12 {
            let sinBeta = sin(beta), cosBeta = cos(beta)
            phi = atan2(z + ep2 * b * sinBeta * sinBeta * sinBeta,
                        p - e2 * a * cosBeta * cosBeta * cosBeta)
            let next = atan2((1 - WGS84.flattening) * sin(phi), cos(phi))
            let step = abs(next - beta)
            beta = next
            if !(step > 1e-15) { break }
        }
        let sinPhi = sin(phi)
        let height = p * cos(phi) + z * sinPhi - a * (1 - e2 * sinPhi * sinPhi).squareRoot()
        self.init(latitude: phi * 180 / .pi, longitude: atan2(point.y, point.x) * 180 / .pi, height: height)
    }

    /// The unit normal to the ellipsoid here (the geodetic zenith), in the ITRF.
    public var up: ITRFVector {
        LocalFrame(at: self).up
    }
}
