import Foundation

/// Precession of the equator from J2000.0 to a date (IAU 1976, Lieske et al. 1977), and
/// the mean obliquity of the ecliptic (IAU 2006).
///
/// The 1976 angles differ from IAU 2006 precession by about 0.1″ over this century, which
/// is negligible next to the ionospheric shell's own approximations. The ICRS frame bias
/// (23 mas) is ignored too: ICRS and J2000 directions are taken to be the same.
enum Precession {
    static let arcsecond = Double.pi / (180 * 3600)

    /// The rotation from the J2000 mean equator and equinox to the mean equator and
    /// equinox of the date `t` Julian centuries (TT) after J2000.0.
    static func matrix(centuries t: Double) -> RotationMatrix {
        let zeta = (2306.2181 + (0.30188 + 0.017998 * t) * t) * t * arcsecond
        let z = (2306.2181 + (1.09468 + 0.018203 * t) * t) * t * arcsecond
        let theta = (2004.3109 - (0.42665 + 0.041833 * t) * t) * t * arcsecond
        return RotationMatrix.aboutZ(-z) * RotationMatrix.aboutY(theta) * RotationMatrix.aboutZ(-zeta)
    }

    /// The mean obliquity of the ecliptic of date, radians (IAU 2006, Hilton et al.).
    static func meanObliquity(centuries t: Double) -> Double {
        let arcseconds = 84381.406
            + (-46.836769 + (-0.0001831 + (0.00200340 + (-5.76e-7 - 4.34e-8 * t) * t) * t) * t) * t
        return arcseconds * arcsecond
    }
}
