/// A failure of a whole cutout, mosaic or extraction call: the input named cannot be used.
/// Per-island problems of a cutout call are not errors but `CutoutOutcome.failed`.
public enum ImagingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file cannot be opened or read as a FITS image (missing, truncated, corrupt).
    case unreadable(path: String, reason: String)
    /// The header lacks what is needed (celestial WCS, BMAJ/BMIN, FREQ axis...).
    case badHeader(path: String, reason: String)
    /// A channel weights text file is missing, malformed or too short.
    case badWeights(path: String, line: Int?, reason: String)
    /// Inputs that must agree do not (channel count, frequencies, Stokes).
    case mismatch(path: String, reason: String)
    /// A position is outside the image.
    case outside(path: String, ra: Double, dec: Double)
    /// No inputs were given.
    case noInputs(String)
    /// An output could not be written; nothing was left under its name.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): \(reason)"
        case let .badHeader(path, reason): return "\(path): \(reason)"
        case let .badWeights(path, line, reason):
            return line.map { "\(path):\($0): \(reason)" } ?? "\(path): \(reason)"
        case let .mismatch(path, reason): return "\(path): \(reason)"
        case let .outside(path, ra, dec): return "\(path): position (\(ra), \(dec)) is outside the image"
        case let .noInputs(what): return "no inputs: \(what)"
        case let .writeFailed(path, reason): return "cannot write \(path): \(reason)"
        }
    }
}
