#if canImport(Glibc)
import Glibc
#endif

/// Spherical geometry on (RA, Dec) in degrees.
public enum SkyMath {
    public static let degree = Double.pi / 180

    /// Great-circle distance between two positions (degrees), haversine form.
    public static func separation(_ ra1: Double, _ dec1: Double, _ ra2: Double, _ dec2: Double) -> Double {
        let dDec = (dec2 - dec1) * degree
        let dRA = (ra2 - ra1) * degree
        let a = sin(dDec / 2) * sin(dDec / 2)
            + cos(dec1 * degree) * cos(dec2 * degree) * sin(dRA / 2) * sin(dRA / 2)
        return 2 * asin(min(1, a.squareRoot())) / degree
    }

    /// The position reached from (ra, dec) by moving `east` and `north` degrees along the
    /// tangent plane there (gnomonic inverse), RA in [0, 360).
    public static func offset(ra: Double, dec: Double, east: Double, north: Double) -> (ra: Double, dec: Double) {
        let x = east * degree, y = north * degree
        let d0 = dec * degree
        let rho = (x * x + y * y).squareRoot()
        if rho == 0 { return (ra, dec) }
        let c = atan(rho)
        let dec1 = asin(cos(c) * sin(d0) + y * sin(c) * cos(d0) / rho)
        let ra1 = ra * degree + atan2(x * sin(c), rho * cos(d0) * cos(c) - y * sin(d0) * sin(c))
        return (normalisedRA(ra1 / degree), dec1 / degree)
    }

    /// Position angle (east of north, degrees) of point 2 seen from point 1.
    public static func positionAngle(_ ra1: Double, _ dec1: Double, _ ra2: Double, _ dec2: Double) -> Double {
        let dRA = (ra2 - ra1) * degree
        let y = sin(dRA) * cos(dec2 * degree)
        let x = cos(dec1 * degree) * sin(dec2 * degree) - sin(dec1 * degree) * cos(dec2 * degree) * cos(dRA)
        return atan2(y, x) / degree
    }

    public static func normalisedRA(_ ra: Double) -> Double {
        var r = ra.truncatingRemainder(dividingBy: 360)
        if r < 0 { r += 360 }
        return r
    }

    /// Galactic (l, b) of an ICRS/J2000 position, degrees.
    public static func galactic(ra: Double, dec: Double) -> (l: Double, b: Double) {
        let a = ra * degree, d = dec * degree
        let v = (cos(d) * cos(a), cos(d) * sin(a), sin(d))
        let x = -0.0548755604162154 * v.0 - 0.8734370902348850 * v.1 - 0.4838350155487132 * v.2
        let y = 0.4941094278755837 * v.0 - 0.4448296299600112 * v.1 + 0.7469822444972189 * v.2
        let z = -0.8676661490190047 * v.0 - 0.1980763734312015 * v.1 + 0.4559837761750669 * v.2
        return (normalisedRA(atan2(y, x) / degree), asin(max(-1, min(1, z))) / degree)
    }
}

extension SkyMath {
    /// The point `distance` degrees along the great circle leaving (ra, dec) at
    /// `positionAngle` degrees east of north (astropy's `directional_offset_by`).
    public static func directionalOffset(ra: Double, dec: Double, positionAngle: Double,
                                         distance: Double) -> (ra: Double, dec: Double) {
        let d = distance * degree, pa = positionAngle * degree, d0 = dec * degree
        let sinDec = sin(d0) * cos(d) + cos(d0) * sin(d) * cos(pa)
        let dec1 = asin(max(-1, min(1, sinDec)))
        let dra = atan2(sin(pa) * sin(d) * cos(d0), cos(d) - sin(d0) * sinDec)
        return (normalisedRA(ra + dra / degree), dec1 / degree)
    }
}
