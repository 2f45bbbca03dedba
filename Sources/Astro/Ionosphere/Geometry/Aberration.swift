import Foundation

/// Aberration: the apparent shift of a direction toward the observer's velocity.
///
/// Annual aberration (up to 20.5″) uses the Earth's orbital velocity from a Keplerian orbit
/// with the Sun's apparent longitude from the low-precision solar theory (Meeus ch. 25),
/// good to about 0.01″. Diurnal aberration (up to 0.32″) uses the site's rotation
/// velocity. Both are applied to first order in v/c, which is exact to 1e-8 rad.
enum Aberration {
    /// The constant of aberration κ, radians (20.49552″).
    static let constant = 20.49552 * Precession.arcsecond
    /// The Earth's sidereal rotation rate, rad/s.
    static let earthRotationRate = 7.292115e-5
    /// The speed of light, m/s.
    static let speedOfLight = 299_792_458.0

    /// The Earth's orbital velocity in units of c, on the mean equator and equinox of
    /// date, at `t` Julian centuries (TT) after J2000.0.
    static func annualVelocity(centuries t: Double) -> SIMD3<Double> {
        let degree = Double.pi / 180
        let meanLongitude = (280.46646 + (36000.76983 + 0.0003032 * t) * t) * degree
        let meanAnomaly = (357.52911 + (35999.05029 - 0.0001537 * t) * t) * degree
        let eccentricity = 0.016708634 - (0.000042037 + 0.0000001267 * t) * t
        let centre = ((1.914602 - (0.004817 + 0.000014 * t) * t) * sin(meanAnomaly)
            + (0.019993 - 0.000101 * t) * sin(2 * meanAnomaly)
            + 0.000289 * sin(3 * meanAnomaly)) * degree
        let sunLongitude = meanLongitude + centre
        let perihelion = (102.93735 + (1.71946 + 0.00046 * t) * t) * degree
        // Ecliptic of date: the Earth moves 90° ahead of its heliocentric longitude
        // (the Sun's longitude + 180°), with the eccentricity's constant offset.
        let ecliptic = SIMD3(constant * (sin(sunLongitude) - eccentricity * sin(perihelion)),
                             constant * (-cos(sunLongitude) + eccentricity * cos(perihelion)),
                             0)
        return RotationMatrix.aboutX(-Precession.meanObliquity(centuries: t)) * ecliptic
    }

    /// The velocity, in units of c, of a point fixed to the Earth at ITRF position
    /// `position` (metres), in the ITRF axes.
    static func diurnalVelocity(at position: ITRFVector) -> SIMD3<Double> {
        SIMD3(-position.y, position.x, 0) * (earthRotationRate / speedOfLight)
    }

    /// The apparent direction of unit vector `direction` for an observer moving with
    /// `velocity` (units of c, same axes).
    static func apply(_ velocity: SIMD3<Double>, to direction: SIMD3<Double>) -> SIMD3<Double> {
        let shifted = direction + velocity - (direction * velocity).sum() * direction
        return shifted / (shifted * shifted).sum().squareRoot()
    }
}
