/// The WGS84 reference ellipsoid, which GPS, the ITRF site positions of radio telescopes,
/// the World Magnetic Model and the IONEX maps all use for geodetic coordinates.
enum WGS84 {
    /// Equatorial radius (semi-major axis), metres.
    static let semiMajorAxis = 6_378_137.0
    /// 1/f, the defining constant.
    static let inverseFlattening = 298.257_223_563
    static let flattening = 1 / inverseFlattening
    /// Polar radius (semi-minor axis), metres: a(1 − f).
    static let semiMinorAxis = semiMajorAxis * (1 - flattening)
    /// First eccentricity squared, e² = f(2 − f).
    static let eccentricitySquared = flattening * (2 - flattening)
    /// Second eccentricity squared, e′² = e²/(1 − e²).
    static let secondEccentricitySquared = eccentricitySquared / (1 - eccentricitySquared)
}
