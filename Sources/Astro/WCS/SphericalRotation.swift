import Foundation

/// The rotation between celestial and native spherical coordinates (Calabretta &
/// Greisen 2002, §2.3), as a 3×3 matrix acting on unit vectors
/// (cos lat cos lon, cos lat sin lon, sin lat).
///
/// The native pole lies at celestial (alpha_p, delta_p) and the celestial pole at
/// native longitude phi_p. Working with vectors instead of the paper's
/// arcsine/arctangent formulas keeps full precision near the reference point.
struct SphericalRotation: Sendable {
    // Row-major celestial → native matrix; its transpose is the inverse.
    let r00, r01, r02, r10, r11, r12, r20, r21, r22: Double

    /// All angles in degrees.
    init(alphaP: Double, deltaP: Double, phiP: Double) {
        let (sa, ca) = sinCos(degrees: alphaP)
        let (sd, cd) = sinCos(degrees: deltaP)
        let (sp, cp) = sinCos(degrees: phiP)
        // native = Rz(phi_p) · B · Rz(-alpha_p) · celestial, where B takes the
        // celestial frame turned to alpha_p = 0 to the native frame turned to
        // phi_p = 0 (from the paper's eq. 5):
        //   B = [[-sin dp, 0, cos dp], [0, -1, 0], [cos dp, 0, sin dp]]
        // First B · Rz(-alpha_p):
        let b00 = -sd * ca, b01 = -sd * sa, b02 = cd
        let b10 = sa,       b11 = -ca,      b12 = 0.0
        let b20 = cd * ca,  b21 = cd * sa,  b22 = sd
        // Then Rz(phi_p) on the left.
        r00 = cp * b00 - sp * b10; r01 = cp * b01 - sp * b11; r02 = cp * b02 - sp * b12
        r10 = sp * b00 + cp * b10; r11 = sp * b01 + cp * b11; r12 = sp * b02 + cp * b12
        r20 = b20;                 r21 = b21;                 r22 = b22
    }

    @inline(__always)
    func toNative(_ x: Double, _ y: Double, _ z: Double) -> (Double, Double, Double) {
        (r00 * x + r01 * y + r02 * z, r10 * x + r11 * y + r12 * z, r20 * x + r21 * y + r22 * z)
    }

    @inline(__always)
    func toCelestial(_ x: Double, _ y: Double, _ z: Double) -> (Double, Double, Double) {
        (r00 * x + r10 * y + r20 * z, r01 * x + r11 * y + r21 * z, r02 * x + r12 * y + r22 * z)
    }
}

/// sin and cos of an angle in degrees, exact at multiples of 90°.
func sinCos(degrees: Double) -> (sin: Double, cos: Double) {
    switch degrees.truncatingRemainder(dividingBy: 360) {
    case 0: return (0, 1)
    case 90, -270: return (1, 0)
    case 180, -180: return (0, -1)
    case 270, -90: return (-1, 0)
    default:
        let r = degrees * (Double.pi / 180)
        return (sin(r), cos(r))
    }
}
