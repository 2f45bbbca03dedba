import Foundation

/// Where a celestial source stands in a telescope's sky: azimuth and elevation, and the
/// line of sight as an ITRF direction for the pierce-point geometry.
public enum Horizon {
    /// Azimuth (radians, from north through east, 0..<2π) and elevation (radians) of the
    /// J2000/ICRS direction (`ra`, `dec` in degrees) seen from `site` at `mjdSeconds` (UTC
    /// as MJD × 86400).
    ///
    /// The topocentric apparent place without refraction: IAU 1976 precession, the main
    /// IAU 1980 nutation terms, annual and diurnal aberration, Greenwich apparent sidereal
    /// time with UT1 = UTC, and the site's geodetic (ellipsoid-normal) vertical. Polar
    /// motion (≲0.5″), light bending by the Sun and diurnal parallax (the source is at
    /// infinity) are left out; the error is dominated by UT1 − UTC, a few arcseconds.
    /// Non-finite input gives NaN.
    public static func azimuthElevation(ra: Double, dec: Double, mjdSeconds: Double,
                                        site: GeodeticPosition) -> (azimuth: Double, elevation: Double) {
        let v = apparentDirection(ra: ra, dec: dec, mjdSeconds: mjdSeconds, site: site)
        let frame = LocalFrame(at: site)
        let east = v.dot(frame.east), north = v.dot(frame.north), up = v.dot(frame.up)
        guard east.isFinite, north.isFinite, up.isFinite else { return (.nan, .nan) }
        var azimuth = atan2(east, north)
        if azimuth < 0 { azimuth += 2 * .pi }
        if azimuth >= 2 * .pi { azimuth = 0 }  // −tiny + 2π rounds up to 2π
        return (azimuth, atan2(up, hypot(east, north)))
    }

    /// The ITRF unit vector toward (`azimuth`, `elevation`) in radians from `site`, in its
    /// local geodetic east-north-up frame.
    public static func direction(azimuth: Double, elevation: Double, site: GeodeticPosition) -> ITRFVector {
        let horizontal = cos(elevation)
        return LocalFrame(at: site).vector(east: horizontal * sin(azimuth),
                                           north: horizontal * cos(azimuth),
                                           up: sin(elevation))
    }

    /// The apparent ITRF unit vector toward an ICRS direction from `site` (see
    /// `azimuthElevation`), before it is split into azimuth and elevation.
    static func apparentDirection(ra: Double, dec: Double, mjdSeconds: Double,
                                  site: GeodeticPosition) -> ITRFVector {
        let degree = Double.pi / 180
        let alpha = ra * degree, delta = dec * degree
        let icrs = SIMD3(cos(delta) * cos(alpha), cos(delta) * sin(alpha), sin(delta))

        let time = AstronomicalTime(mjdSeconds: mjdSeconds)
        let t = time.centuriesTT
        let obliquity = Precession.meanObliquity(centuries: t)
        let nutation = Nutation(centuries: t)

        // Mean place of date, shifted by annual aberration, then onto the true equator.
        let meanOfDate = Precession.matrix(centuries: t) * icrs
        let aberrated = Aberration.apply(Aberration.annualVelocity(centuries: t), to: meanOfDate)
        let trueOfDate = nutation.matrix(meanObliquity: obliquity) * aberrated

        // Earth rotation (no polar motion), then diurnal aberration in the Earth-fixed axes.
        let gast = SiderealTime.greenwichApparent(time, nutation: nutation, meanObliquity: obliquity)
        let earthFixed = RotationMatrix.aboutZ(gast) * trueOfDate
        let apparent = Aberration.apply(Aberration.diurnalVelocity(at: site.itrf), to: earthFixed)
        return ITRFVector(x: apparent.x, y: apparent.y, z: apparent.z)
    }
}
