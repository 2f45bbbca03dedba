import Foundation

/// The celestial part of a FITS world coordinate system: pixel ↔ sky for the two celestial
/// axes of an image or cube, through wcslib (`WCSLibTransform`): every projection of
/// Calabretta & Greisen (2002), SIP, TPV and DSS distortions, and the legacy forms wcsfix
/// repairs (CROTA, PC00i00j, NCP, nonstandard units), which are listed in `fixes`.
///
/// The celestial axes are found by CTYPEi wherever they are in the cube (RA---SIN and
/// DEC--SIN are axes 1 and 2 of an ASKAP cube, but need not be); other axes stay at their
/// reference pixel. Pixel coordinates here are 0-based (astropy's origin = 0): the centre of
/// the first pixel is (0, 0), i.e. FITS pixel p is p - 1 here. `x` runs along the
/// lower-numbered celestial axis (NAXIS1 for an ASKAP cube), `y` along the other. Angles
/// are degrees; returned longitudes are in [0, 360). A point outside the projection's
/// domain (beyond a SIN image's limb, the far side of TAN) is nil.
public struct CelestialWCS: Sendable {
    let transform: WCSLibTransform
    /// The projection code of CTYPEi ("SIN", "ZEA", ...).
    public let projection: String
    /// Which celestial system the axes name.
    public let frame: CelestialFrame
    /// 1-based FITS axis numbers of the longitude and latitude axes.
    public let axes: (longitude: Int, latitude: Int)
    /// The reference point (CRVAL of the longitude and latitude axes), degrees,
    /// longitude in [0, 360).
    public let reference: (ra: Double, dec: Double)
    /// The reference pixel (CRPIX - 1 of the x and y axes), 0-based.
    public let referencePixel: (x: Double, y: Double)
    /// Degrees per pixel: the square root of |det| of the celestial linear matrix (the
    /// geometric mean of |CDELT1| and |CDELT2| when there is no skew).
    public let pixelScale: Double
    /// The native longitude of the celestial pole, degrees.
    public var lonpole: Double { transform.lonpole }
    /// What wcsfix repaired in the header (empty for a standard one).
    public var fixes: [String] { transform.fixes }
    /// The distortions applied, as "prior:1:SIP" (stage, axis, function).
    public var distortions: [String] { transform.distortions }

    /// Reads the celestial WCS of a header; throws `WCSError` naming what wcslib could not
    /// use (a missing or invalid keyword, an unsupported distortion).
    public init(header: FITSHeader) throws {
        let naxis = (1...max(1, header.int("NAXIS") ?? 0)).map { header.int("NAXIS\($0)") ?? 0 }
        try self.init(transform: WCSLibTransform(cardImages: header.cardImages, naxis: naxis))
    }

    init(transform: WCSLibTransform) throws {
        guard let lng = transform.longitude, let lat = transform.latitude else { throw WCSError.noCelestialAxes }
        self.transform = transform
        let lonType = transform.ctype[lng]
        projection = transform.projection ?? ""
        frame = CelestialFrame.classify(String(lonType.prefix(4)).trimmingCharacters(in: CharacterSet(charactersIn: "-")))?.frame
            ?? .equatorial
        axes = (lng + 1, lat + 1)
        reference = (normalizedLongitude(transform.crval[lng]), transform.crval[lat])
        let (xAxis, yAxis) = (min(lng, lat), max(lng, lat))
        referencePixel = (transform.crpix[xAxis] - 1, transform.crpix[yAxis] - 1)
        let m = transform.linearMatrix, n = transform.naxis
        let det = m.isEmpty ? 0 : m[lng * n + xAxis] * m[lat * n + yAxis] - m[lng * n + yAxis] * m[lat * n + xAxis]
        guard det != 0, det.isFinite else {
            throw WCSError.inconsistent("the linear matrix of axes \(xAxis + 1) and \(yAxis + 1) (CDELT, PC, CD or CROTA) is singular")
        }
        pixelScale = abs(det).squareRoot()
    }

    /// The same sky grid for an image whose pixel p is this image's pixel p - (x, y):
    /// the reference pixel moves by (x, y), as when cutting (x, y negative) or padding.
    public func shifted(x: Double, y: Double) -> CelestialWCS {
        var shift = [Double](repeating: 0, count: transform.naxis)
        let (lng, lat) = (axes.longitude - 1, axes.latitude - 1)
        shift[min(lng, lat)] = x
        shift[max(lng, lat)] = y
        // A copy of a struct wcsset accepted is accepted again with another CRPIX.
        return try! CelestialWCS(transform: WCSLibTransform(transform, shiftingReferencePixel: shift))
    }

    /// The 0-based pixel of a sky position (degrees), or nil when the projection does not
    /// reach it.
    public func pixel(ra: Double, dec: Double) -> (x: Double, y: Double)? {
        guard ra.isFinite, dec.isFinite, abs(dec) <= 90 else { return nil }
        let n = transform.naxis
        let (lng, lat) = (axes.longitude - 1, axes.latitude - 1)
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * n) { buf -> (x: Double, y: Double)? in
            let world = buf.baseAddress!, pixel = buf.baseAddress! + n
            for k in 0..<n { world[k] = transform.crval[k] }
            world[lng] = ra
            world[lat] = dec
            guard transform.transformOne(world, pixel, toWorld: false) else { return nil }
            let (xAxis, yAxis) = (min(lng, lat), max(lng, lat))
            let x = pixel[xAxis] - 1, y = pixel[yAxis] - 1
            return x.isFinite && y.isFinite ? (x, y) : nil
        }
    }

    /// The sky position (degrees, ra in [0, 360)) of a 0-based pixel, or nil outside the
    /// projection's domain.
    public func sky(x: Double, y: Double) -> (ra: Double, dec: Double)? {
        guard x.isFinite, y.isFinite else { return nil }
        let n = transform.naxis
        let (lng, lat) = (axes.longitude - 1, axes.latitude - 1)
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * n) { buf -> (ra: Double, dec: Double)? in
            let pixel = buf.baseAddress!, world = buf.baseAddress! + n
            for k in 0..<n { pixel[k] = transform.crpix[k] }
            pixel[min(lng, lat)] = x + 1
            pixel[max(lng, lat)] = y + 1
            guard transform.transformOne(pixel, world, toWorld: true) else { return nil }
            let ra = world[lng], dec = world[lat]
            return ra.isFinite && dec.isFinite ? (normalizedLongitude(ra), dec) : nil
        }
    }
}

/// A longitude in degrees folded into [0, 360).
@inline(__always)
func normalizedLongitude(_ degrees: Double) -> Double {
    var value = degrees.truncatingRemainder(dividingBy: 360)
    if value < 0 { value += 360 }
    return value < 360 ? value : 0
}
