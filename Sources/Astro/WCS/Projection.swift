import Foundation

extension CelestialWCS {
    /// A zenithal projection (Calabretta & Greisen 2002, §5.1), between native
    /// spherical coordinates and the projection plane.
    ///
    /// Both directions work on the native unit vector (l, m, n) = (cos θ cos φ,
    /// cos θ sin φ, sin θ) and plane coordinates in radians, with the paper's
    /// x = R sin φ, y = -R cos φ (plain SIN is x = m, y = -l), so no arcsine or
    /// arctangent of θ and φ is needed and precision holds near the reference point.
    public enum Projection: Sendable, Equatable {
        /// Orthographic, generalised to the slant orthographic when (xi, eta) =
        /// (PV2_1, PV2_2) are nonzero (paper eq. 38): x = cos θ sin φ + xi (1 - sin θ),
        /// y = -cos θ cos φ + eta (1 - sin θ). NCP is xi = 0, eta = cot delta_0.
        case sin(xi: Double, eta: Double)
        /// Gnomonic: R = cot θ (paper eq. 54).
        case tan

        /// The FITS codes implemented.
        public static let supportedCodes = ["SIN", "TAN"]

        /// The three-letter FITS code.
        public var code: String {
            switch self {
            case .sin: return "SIN"
            case .tan: return "TAN"
            }
        }

        /// Plane coordinates (radians) of a native unit vector, or nil when the
        /// point is not projected: the far hemisphere for SIN (the half facing away
        /// from the projection direction (-eta, xi, 1) when slanted), θ <= 0 for TAN.
        @inline(__always)
        func project(_ l: Double, _ m: Double, _ n: Double) -> (x: Double, y: Double)? {
            switch self {
            case .sin(let xi, let eta):
                if xi == 0 && eta == 0 {
                    guard n >= 0 else { return nil }
                    return (m, -l)
                }
                guard n - eta * l + xi * m >= 0 else { return nil }
                let t = 1 - n
                return (m + xi * t, -l + eta * t)
            case .tan:
                guard n > 0 else { return nil }
                return (m / n, -l / n)
            }
        }

        /// The native vector (not necessarily of unit length) of plane coordinates
        /// (radians), or nil outside the projection's domain (SIN: beyond the limb).
        @inline(__always)
        func deproject(_ x: Double, _ y: Double) -> (l: Double, m: Double, n: Double)? {
            switch self {
            case .sin(let xi, let eta):
                let r2 = x * x + y * y
                if xi == 0 && eta == 0 {
                    guard r2 <= 1 else { return nil }
                    return (-y, x, (1 - r2).squareRoot())
                }
                // With t = 1 - sin θ, (x - xi t)² + (y - eta t)² = cos² θ = t (2 - t) gives
                // a t² - 2 b t + r² = 0; the smaller root is the visible hemisphere.
                let a = 1 + xi * xi + eta * eta
                let b = 1 + xi * x + eta * y
                let discriminant = b * b - a * r2
                guard discriminant >= 0, b > 0 else { return nil }
                let t = r2 / (b + discriminant.squareRoot())
                return (-(y - eta * t), x - xi * t, 1 - t)
            case .tan:
                return (-y, x, 1)
            }
        }
    }
}
