#if canImport(Glibc)
import Glibc
#endif

/// Chooses the pixel box of an island in one cube, as the original pipeline does, but
/// clipped to the image:
///
/// 1. pad1 = the largest component `Maj` (arcsec);
/// 2. the corners of the components' RA/Dec bounding box move outward by pad1 x sqrt(2)
///    along the diagonals (position angles 45, -45, -135 and 135 deg for the NE, NW, SW and
///    SE corners), then again by pad2 x sqrt(2) with pad2 = `pad` x BMAJ of the cube, so
///    the box grows by at least pad1 + pad2 on every side;
/// 3. the four corners go through the cube's celestial WCS (0-based pixels);
///    x0 = floor(min x), x1 = ceil(max x), likewise y;
/// 4. the box is clipped to the image (the original does not clip, and numpy then
///    silently returns a smaller or empty array).
///
/// RA is unwrapped around the first component, so islands straddling RA 0 get a small box.
public struct CutoutPlanner: Sendable {
    public let wcs: CelestialWCS
    public let width: Int
    public let height: Int
    /// BMAJ of the cube (deg).
    public let beamMajor: Double
    /// Padding in restoring-beam widths (the original's `--pad`, default 3).
    public let pad: Double

    public init(wcs: CelestialWCS, width: Int, height: Int, beamMajor: Double, pad: Double = 3) {
        self.wcs = wcs
        self.width = width
        self.height = height
        self.beamMajor = beamMajor
        self.pad = pad
    }

    /// Reads the WCS, NAXIS1/NAXIS2 and BMAJ of a cube header; `path` names the file in errors.
    public init(header: FITSHeader, path: String, pad: Double = 3) throws(ImagingError) {
        let wcs: CelestialWCS
        do {
            wcs = try CelestialWCS(header: header)
        } catch {
            throw .badHeader(path: path, reason: "celestial WCS: \(error)")
        }
        guard wcs.axes.longitude + wcs.axes.latitude == 3 else {
            throw .badHeader(path: path, reason: "the celestial axes must be axes 1 and 2 (they are \(wcs.axes.longitude) and \(wcs.axes.latitude))")
        }
        guard let width = header.int("NAXIS1"), let height = header.int("NAXIS2"), width > 0, height > 0 else {
            throw .badHeader(path: path, reason: "NAXIS1/NAXIS2 missing or not positive")
        }
        guard let bmaj = header.double("BMAJ"), bmaj.isFinite, bmaj >= 0 else {
            throw .badHeader(path: path, reason: "BMAJ (restoring beam, deg) missing or invalid")
        }
        self.init(wcs: wcs, width: width, height: height, beamMajor: bmaj, pad: pad)
    }

    /// The box of an island before clipping, or why there is none.
    public func unclippedBox(for request: CutoutRequest) -> Result<CutoutBox, CutoutFailure> {
        guard let first = request.components.first else { return .failure(.noComponents) }
        var raLow = Double.infinity, raHigh = -Double.infinity
        var decLow = Double.infinity, decHigh = -Double.infinity
        var major = 0.0
        for c in request.components {
            guard c.ra.isFinite, c.dec.isFinite, abs(c.dec) <= 90 else {
                return .failure(.notProjectable(ra: c.ra, dec: c.dec))
            }
            var dra = (c.ra - first.ra).truncatingRemainder(dividingBy: 360)
            if dra > 180 { dra -= 360 } else if dra <= -180 { dra += 360 }
            let ra = first.ra + dra
            raLow = min(raLow, ra); raHigh = max(raHigh, ra)
            decLow = min(decLow, c.dec); decHigh = max(decHigh, c.dec)
            if c.majorAxisArcsec.isFinite { major = max(major, c.majorAxisArcsec) }
        }
        let pad1 = major / 3600
        let pad2 = pad * beamMajor
        let corners: [(ra: Double, dec: Double, pa: Double)] = [
            (raHigh, decHigh, 45), (raLow, decHigh, -45), (raLow, decLow, -135), (raHigh, decLow, 135),
        ]
        var xs: [Double] = [], ys: [Double] = []
        for corner in corners {
            let once = SkyMath.directionalOffset(ra: corner.ra, dec: corner.dec,
                                                 positionAngle: corner.pa, distance: pad1 * 2.0.squareRoot())
            let twice = SkyMath.directionalOffset(ra: once.ra, dec: once.dec,
                                                  positionAngle: corner.pa, distance: pad2 * 2.0.squareRoot())
            guard let p = wcs.pixel(ra: twice.ra, dec: twice.dec), p.x.isFinite, p.y.isFinite,
                  abs(p.x) < 1e9, abs(p.y) < 1e9 else {
                return .failure(.notProjectable(ra: twice.ra, dec: twice.dec))
            }
            xs.append(p.x); ys.append(p.y)
        }
        let x0 = Int(xs.min()!.rounded(.down)), x1 = Int(xs.max()!.rounded(.up))
        let y0 = Int(ys.min()!.rounded(.down)), y1 = Int(ys.max()!.rounded(.up))
        return .success(CutoutBox(x: x0..<max(x0, x1), y: y0..<max(y0, y1)))
    }

    /// The island's box clipped to the image, or why there is none.
    public func box(for request: CutoutRequest) -> Result<CutoutBox, CutoutFailure> {
        switch unclippedBox(for: request) {
        case .failure(let failure):
            return .failure(failure)
        case .success(let box):
            guard let clipped = box.clipped(width: width, height: height) else {
                return .failure(.offImage(box: box, width: width, height: height))
            }
            return .success(clipped)
        }
    }
}
