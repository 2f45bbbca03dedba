import Foundation

/// The celestial part of a FITS world coordinate system: pixel ↔ sky for the
/// two celestial axes of an image or cube (Calabretta & Greisen 2002).
///
/// The celestial axes are found by CTYPEi wherever they are in the cube (RA---SIN
/// and DEC--SIN are axes 1 and 2 of an ASKAP cube, but need not be). Supported:
/// - projections SIN (including the slant orthographic, PV<lat>_1/PV<lat>_2) and TAN;
/// - frames RA/DEC, GLON/GLAT, ELON/ELAT, SLON/SLAT (the `ra`/`dec` arguments are then
///   longitude/latitude in that frame);
/// - the linear part as CDi_j, or CDELTi (default 1) with PCi_j (default identity),
///   or CDELTi with the legacy CROTA<lat> when neither PC nor CD is given. A header
///   with both CD and PC is rejected (`WCSError.inconsistent`), and so is one coupling
///   a celestial axis to another pixel axis (e.g. a nonzero PC1_3);
/// - LONPOLE (or PV<lon>_3); by default 180°, or 0° when CRVAL<lat> = 90°.
///
/// Pixel coordinates are 0-based (astropy's origin = 0): the centre of the first
/// pixel is (0, 0), i.e. FITS pixel p is p - 1 here. `x` runs along the
/// lower-numbered celestial axis (NAXIS1 for an ASKAP cube), `y` along the other.
/// Angles are degrees; returned longitudes are in [0, 360).
public struct CelestialWCS: Sendable {
    /// The projection of CTYPEi.
    public let projection: Projection
    /// Which celestial system the axes name.
    public let frame: CelestialFrame
    /// 1-based FITS axis numbers of the longitude and latitude axes.
    public let axes: (longitude: Int, latitude: Int)
    /// The reference point (CRVAL of the longitude and latitude axes), degrees,
    /// longitude in [0, 360).
    public let reference: (ra: Double, dec: Double)
    /// The reference pixel (CRPIX - 1 of the x and y axes), 0-based.
    public private(set) var referencePixel: (x: Double, y: Double)
    /// Degrees per pixel: the square root of |det| of the linear matrix (the
    /// geometric mean of |CDELT1| and |CDELT2| when there is no skew).
    public let pixelScale: Double
    /// The native longitude of the celestial pole, degrees.
    public let lonpole: Double

    private let rotation: SphericalRotation
    // Pixel offsets → plane coordinates in radians, and its inverse.
    private let a00, a01, a10, a11: Double
    private let b00, b01, b10, b11: Double

    /// Reads the celestial WCS of a header; throws `WCSError` naming the first
    /// missing, unsupported or inconsistent keyword.
    public init(header: FITSHeader) throws {
        let (lon, lat, frame, projection) = try Self.celestialAxes(in: header)
        for axis in [lon.axis, lat.axis] {
            if let unit = header.unit(axis: axis), unit.lowercased() != "deg" {
                throw WCSError.unsupportedUnit(keyword: "CUNIT\(axis)", unit: unit, supported: "deg is")
            }
        }
        let crvalLon = try header.requiredDouble("CRVAL\(lon.axis)")
        let crvalLat = try header.requiredDouble("CRVAL\(lat.axis)")
        guard abs(crvalLat) <= 90 else {
            throw WCSError.invalid(keyword: "CRVAL\(lat.axis)", value: String(crvalLat),
                                   reason: "a latitude must be within [-90, 90]")
        }
        let xAxis = min(lon.axis, lat.axis), yAxis = max(lon.axis, lat.axis)
        let crpixX = try header.requiredDouble("CRPIX\(xAxis)")
        let crpixY = try header.requiredDouble("CRPIX\(yAxis)")

        // Linear part: rows are world axes (lon, lat), columns pixel axes (x, y).
        let linear = try LinearPart(header: header)
        for row in [lon.axis, lat.axis] {
            try linear.requireSeparable(row: row, from: [xAxis, yAxis])
        }
        var m = [[Double]](repeating: [0, 0], count: 2)
        let crota = try header.optionalDouble("CROTA\(lat.axis)")
        if !linear.usesCD, !linear.hasPC(row: lon.axis), !linear.hasPC(row: lat.axis), let rho = crota {
            // Paper II eq. 188: CD from CDELT and CROTA<lat>, in (lon, lat) order.
            let dLon = try header.optionalDouble("CDELT\(lon.axis)") ?? 1
            let dLat = try header.optionalDouble("CDELT\(lat.axis)") ?? 1
            let (s, c) = sinCos(degrees: rho)
            let byLonLat = [[dLon * c, -dLat * s], [dLon * s, dLat * c]]
            let lonFirst = lon.axis < lat.axis
            for r in 0..<2 {
                m[r] = lonFirst ? byLonLat[r] : [byLonLat[r][1], byLonLat[r][0]]
            }
        } else {
            for (r, row) in [lon.axis, lat.axis].enumerated() {
                m[r] = [try linear.element(row, xAxis), try linear.element(row, yAxis)]
            }
        }
        let det = m[0][0] * m[1][1] - m[0][1] * m[1][0]
        guard det != 0, det.isFinite else {
            throw WCSError.inconsistent(
                "the linear matrix of axes \(xAxis) and \(yAxis) (CDELT, PC, CD or CROTA) is singular")
        }

        // Rotation: for a zenithal projection the reference point is the native pole.
        let lonpole = try Self.lonpole(header: header, lonAxis: lon.axis, crvalLat: crvalLat)

        let radians = Double.pi / 180
        self.projection = projection
        self.frame = frame
        self.axes = (lon.axis, lat.axis)
        self.reference = (normalizedLongitude(crvalLon), crvalLat)
        self.referencePixel = (crpixX - 1, crpixY - 1)
        self.pixelScale = abs(det).squareRoot()
        self.lonpole = lonpole
        self.rotation = SphericalRotation(alphaP: crvalLon, deltaP: crvalLat, phiP: lonpole)
        a00 = m[0][0] * radians; a01 = m[0][1] * radians
        a10 = m[1][0] * radians; a11 = m[1][1] * radians
        let inverse = 1 / (det * radians)
        b00 = m[1][1] * inverse; b01 = -m[0][1] * inverse
        b10 = -m[1][0] * inverse; b11 = m[0][0] * inverse
    }

    /// The same sky grid for an image whose pixel p is this image's pixel p - (x, y):
    /// the reference pixel moves by (x, y), as when cutting (x, y negative) or padding.
    public func shifted(x: Double, y: Double) -> CelestialWCS {
        var copy = self
        copy.referencePixel = (referencePixel.x + x, referencePixel.y + y)
        return copy
    }

    /// The 0-based pixel of a sky position (degrees), or nil when the projection
    /// does not reach it (SIN: more than 90° from the reference point; TAN: 90° or more).
    public func pixel(ra: Double, dec: Double) -> (x: Double, y: Double)? {
        guard ra.isFinite, abs(dec) <= 90 else { return nil }
        let alpha = ra * (Double.pi / 180), delta = dec * (Double.pi / 180)
        let cosDelta = cos(delta)
        let (l, m, n) = rotation.toNative(cosDelta * cos(alpha), cosDelta * sin(alpha), sin(delta))
        guard let (u, v) = projection.project(l, m, n) else { return nil }
        return (referencePixel.x + b00 * u + b01 * v, referencePixel.y + b10 * u + b11 * v)
    }

    /// The sky position (degrees, ra in [0, 360)) of a 0-based pixel, or nil outside
    /// the projection's domain (SIN: beyond the limb, plane radius over 1 radian).
    public func sky(x: Double, y: Double) -> (ra: Double, dec: Double)? {
        let dx = x - referencePixel.x, dy = y - referencePixel.y
        guard let (l, m, n) = projection.deproject(a00 * dx + a01 * dy, a10 * dx + a11 * dy) else {
            return nil
        }
        let (cx, cy, cz) = rotation.toCelestial(l, m, n)
        let degrees = 180 / Double.pi
        let ra = atan2(cy, cx) * degrees
        let dec = atan2(cz, (cx * cx + cy * cy).squareRoot()) * degrees
        guard ra.isFinite, dec.isFinite else { return nil }
        return (normalizedLongitude(ra), dec)
    }
}

/// A longitude in degrees folded into [0, 360).
@inline(__always)
func normalizedLongitude(_ degrees: Double) -> Double {
    var value = degrees.truncatingRemainder(dividingBy: 360)
    if value < 0 { value += 360 }
    return value < 360 ? value : 0
}
