import Foundation

/// The time arguments of the precession, nutation and sidereal-time formulas for one
/// UTC instant given as MJD seconds (MJD × 86400).
///
/// Two simplifications, both far below what the ionospheric correction can notice:
/// - TT = UTC + 69.184 s (TAI − UTC = 37 s since 2017). A leap second more or less moves
///   the precession and nutation angles by well under a milliarcsecond.
/// - UT1 = UTC. |UT1 − UTC| < 0.9 s by definition (under 0.25 s in 2019–2026), so the
///   Earth-rotation angle is off by at most 13.5″ (about 3″ in practice).
struct AstronomicalTime: Sendable, Equatable {
    /// TT − UTC in seconds, taken as constant.
    static let terrestrialMinusUTC = 69.184
    /// MJD of the J2000.0 epoch (JD 2451545.0).
    static let j2000MJD = 51_544.5

    /// Julian centuries of TT since J2000.0.
    let centuriesTT: Double
    /// Days of UT1 since J2000.0.
    let daysUT1: Double

    init(mjdSeconds: Double) {
        daysUT1 = mjdSeconds / 86_400 - Self.j2000MJD
        centuriesTT = (daysUT1 + Self.terrestrialMinusUTC / 86_400) / 36_525
    }
}
