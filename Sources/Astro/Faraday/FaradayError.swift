/// Why a spectrum could not be analysed. Every case names the cause and, where it helps,
/// the numbers behind it, so a user can tell a flagged source from a pipeline bug.
public enum FaradayError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The columns of the spectrum have different lengths.
    case columnLengthMismatch(expected: Int, found: Int, column: String)
    /// A channel frequency is missing, not finite or not positive.
    case badFrequency(channel: Int, value: Double)
    /// Fewer usable channels than the analysis needs (`needed`); `what` says which step.
    case tooFewChannels(what: String, usable: Int, needed: Int)
    /// A Stokes I uncertainty of zero in a channel used by the fit (and not all zero).
    case zeroStokesIUncertainty(channel: Int)
    /// The Levenberg–Marquardt fit of the Stokes I model did not converge.
    case stokesIFitFailed(status: Int, reason: String)
    /// The fitted Stokes I model is zero or negative where it is used to normalise Q and U.
    case nonPositiveStokesIModel(frequency: Double, value: Double)
    /// The Q/U noise (dQ + dU) is zero in a channel that carries weight.
    case zeroPolarisationNoise(channel: Int)
    /// Q and U are zero (or flagged) everywhere: the FDF is identically zero.
    case noPolarisedSignal
    /// The fitted FDF peak lies outside the sampled Faraday-depth range.
    case peakOutsideRange(phi: Double, phiMax: Double)
    /// A quantity that must be finite came out NaN or infinite.
    case nonFinite(quantity: String, value: Double)
    /// A setting is out of range.
    case invalidSetting(String)

    public var description: String {
        switch self {
        case let .columnLengthMismatch(expected, found, column):
            return "spectrum column \(column) has \(found) values, expected \(expected) (one per channel)"
        case let .badFrequency(channel, value):
            return "channel \(channel) has frequency \(value) Hz; frequencies must be finite and positive"
        case let .tooFewChannels(what, usable, needed):
            return "\(what): \(usable) usable channel\(usable == 1 ? "" : "s"), at least \(needed) needed "
                + "(channels with NaN/inf values or zero noise are not usable)"
        case let .zeroStokesIUncertainty(channel):
            return "Stokes I uncertainty dI is 0 in channel \(channel); give every channel a positive dI, or all 0 for an unweighted fit"
        case let .stokesIFitFailed(status, reason):
            return "Stokes I model fit failed (status \(status)): \(reason)"
        case let .nonPositiveStokesIModel(frequency, value):
            return "Stokes I model is \(value) (not positive) at \(frequency) Hz; the source is too faint for the model "
                + "or the polynomial order is too high (try a lower --poly-order)"
        case let .zeroPolarisationNoise(channel):
            return "Stokes Q/U noise is 0 in channel \(channel); variance weights need dQ + dU > 0 (or use uniform weights)"
        case .noPolarisedSignal:
            return "Stokes Q and U are zero or flagged in every channel: nothing to synthesise"
        case let .peakOutsideRange(phi, phiMax):
            return "the FDF peak fit lands at \(phi) rad/m^2, outside the sampled range +/-\(phiMax) rad/m^2"
        case let .nonFinite(quantity, value):
            return "\(quantity) is \(value); the spectrum's values are out of range for RM synthesis"
        case let .invalidSetting(message):
            return "invalid setting: \(message)"
        }
    }
}
