#if canImport(Glibc)
import Glibc
#endif

/// The ASKAP primary beam as a circular Gaussian of FWHM 1.09 lambda / 12 m, the model
/// the original pipeline's LINMOS uses when no holography is given.
public struct GaussianPrimaryBeam: Sendable {
    public static let speedOfLight = 299_792_458.0
    public var dishDiameter: Double = 12
    public var fwhmFactor: Double = 1.09

    public init() {}

    /// FWHM in degrees at `frequency` (Hz).
    public func fwhm(frequency: Double) -> Double {
        fwhmFactor * (Self.speedOfLight / frequency) / dishDiameter / SkyMath.degree
    }

    /// Response (1 at the centre) at `distance` degrees from the beam centre.
    public func response(distance: Double, frequency: Double) -> Double {
        let f = fwhm(frequency: frequency)
        return exp(-4 * log(2.0) * distance * distance / (f * f))
    }
}
