import Foundation

/// The Earth's rotation: the Earth-rotation angle and Greenwich mean and apparent sidereal
/// time (IAU 2000/2006 expressions).
enum SiderealTime {
    /// The Earth-rotation angle, radians in [0, 2π), for `days` of UT1 since J2000.0.
    static func earthRotationAngle(daysUT1 days: Double) -> Double {
        // The whole-day part of 1.00273781191135448 × days is split off to keep precision.
        let turns = 0.7790572732640 + 0.00273781191135448 * days + days.truncatingRemainder(dividingBy: 1)
        var angle = 2 * Double.pi * turns.truncatingRemainder(dividingBy: 1)
        if angle < 0 { angle += 2 * .pi }
        return angle
    }

    /// Greenwich mean sidereal time, radians (IAU 2006: the Earth-rotation angle plus the
    /// accumulated precession in right ascension).
    static func greenwichMean(_ time: AstronomicalTime) -> Double {
        let t = time.centuriesTT
        let arcseconds = 0.014506 + (4612.156534 + (1.3915817 + (-0.00000044 + (-0.000029956 - 3.68e-8 * t) * t) * t) * t) * t
        return earthRotationAngle(daysUT1: time.daysUT1) + arcseconds * Precession.arcsecond
    }

    /// Greenwich apparent sidereal time, radians: the hour angle of the true equinox.
    static func greenwichApparent(_ time: AstronomicalTime, nutation: Nutation, meanObliquity: Double) -> Double {
        greenwichMean(time) + nutation.equationOfEquinoxes(meanObliquity: meanObliquity)
    }
}
