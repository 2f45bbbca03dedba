import Foundation

/// Where a line of sight crosses the thin ionospheric shell, and how obliquely.
///
/// The shell is the surface of constant geodetic height (450 km in the usual thin-shell
/// model), so the TEC maps (given on geodetic latitude and longitude) and the magnetic field
/// are sampled where the ray really is.
public struct PiercePoint: Sendable {
    /// The pierce point; its geodetic height equals the shell height to 1 mm.
    public var position: GeodeticPosition
    /// 1 / cos(zenith angle at the pierce point) = 1 / (direction · position.up): how much
    /// longer the path through a thin shell is than the vertical one.
    public var slantFactor: Double

    public init(position: GeodeticPosition, slantFactor: Double) {
        self.position = position
        self.slantFactor = slantFactor
    }

    /// Where the ray from `site` along ITRF `direction` (a unit vector; any length is
    /// normalised) rises through the shell of geodetic height `shellHeight` (metres).
    ///
    /// Nil when it does not: the site is at or above the shell, the direction points below
    /// the site's horizon (elevation < 0, beyond rounding), or an input is not finite.
    ///
    /// Solved exactly on the ellipsoid: geodetic height along the ray is increasing once
    /// the ray leaves the site above its horizon (height outside the ellipsoid is the
    /// distance to a convex body), so Newton's method on the distance, started from the
    /// spherical answer and kept inside a bracket, converges in a few steps.
    public static func find(site: GeodeticPosition, direction: ITRFVector, shellHeight: Double) -> PiercePoint? {
        let d = direction.normalized
        guard d.isFinite, site.latitude.isFinite, site.longitude.isFinite, site.height.isFinite,
              shellHeight.isFinite, site.height < shellHeight,
              d.dot(site.up) >= -1e-12  // elevation ≥ 0, allowing for rounding at the horizon
        else { return nil }

        let start = site.itrf
        func height(at s: Double) -> GeodeticPosition { GeodeticPosition(itrf: start + s * d) }

        // First guess: the crossing of the sphere through the site's centre distance raised
        // by the height still to climb.
        let r0 = start.norm, b = start.dot(d)
        let target = r0 + (shellHeight - site.height)
        var s = -b + (b * b + (target - r0) * (target + r0)).squareRoot()

        var low = 0.0, high = Double.infinity  // height(low) < shell <= height(high)
        var point = height(at: s)
        for _ in 0..<100 {
            let error = point.height - shellHeight
            if abs(error) < 1e-6 { break }
            if error < 0 { low = s } else { high = s }
            let slope = d.dot(point.up)  // d(height)/ds
            var next = s - error / slope
            if !(next > low && next < high) {
                // Newton left the bracket (or the slope vanished): bisect, or step out.
                next = high.isFinite ? 0.5 * (low + high) : 2 * max(s, 1)
            }
            s = next
            point = height(at: s)
        }
        guard point.latitude.isFinite else { return nil }
        return PiercePoint(position: point, slantFactor: 1 / d.dot(point.up))
    }
}
