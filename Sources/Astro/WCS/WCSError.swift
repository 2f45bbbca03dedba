/// Why a header's world coordinate system could not be used.
///
/// Each message names the offending keyword, e.g. "missing CRVAL2" or
/// "CTYPE1 'RA---ZEA': projection ZEA is not supported (SIN, TAN are)".
public enum WCSError: Error, Equatable, CustomStringConvertible {
    /// A keyword the transform needs is absent.
    case missingKeyword(String)
    /// No pair of celestial axes (RA/DEC, GLON/GLAT, ELON/ELAT, SLON/SLAT).
    case noCelestialAxes
    /// No axis with this CTYPE (e.g. "FREQ").
    case noAxis(String)
    /// The header has no world coordinate keywords wcslib could read.
    case noWCS
    /// A distortion wcslib cannot apply (astropy's lookup tables), which would otherwise be
    /// ignored: `keyword` names the card.
    case unsupportedDistortion(keyword: String, kind: String)
    /// What wcslib reported (its own message names the keyword).
    case wcslib(String)
    /// A CUNITi this code does not convert; `supported` lists the ones it does.
    case unsupportedUnit(keyword: String, unit: String, supported: String)
    /// A keyword whose value cannot be used, and why.
    case invalid(keyword: String, value: String, reason: String)
    /// Keywords that contradict each other.
    case inconsistent(String)

    public var description: String {
        switch self {
        case .missingKeyword(let keyword):
            return "missing \(keyword)"
        case .noCelestialAxes:
            return "no celestial axes: no CTYPEi is RA/DEC, GLON/GLAT, ELON/ELAT or SLON/SLAT"
        case .noAxis(let ctype):
            return "no \(ctype) axis: no CTYPEi is '\(ctype)'"
        case .noWCS:
            return "no world coordinate system in the header"
        case .unsupportedDistortion(let keyword, let kind):
            return "\(keyword): \(kind) is not supported; refusing the header rather than ignoring the distortion"
        case .wcslib(let message):
            return message
        case .unsupportedUnit(let keyword, let unit, let supported):
            return "\(keyword) '\(unit)' is not supported (\(supported))"
        case .invalid(let keyword, let value, let reason):
            return "\(keyword) \(value): \(reason)"
        case .inconsistent(let reason):
            return reason
        }
    }
}
