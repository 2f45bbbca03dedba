/// Why a pair (or triple) of cubes could not be RM-synthesised. Every case names the file.
public enum FaradayCubeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A cube's axes are not (x, y, frequency) with any further axes of length 1.
    case badAxes(path: String, message: String)
    /// The cube has no axis whose CTYPE contains FREQ and no frequency file was given.
    case noFrequencyAxis(path: String)
    /// Two cubes that must match do not.
    case shapeMismatch(path: String, shape: [Int], reference: String, referenceShape: [Int])
    /// Two cubes that must share a sky grid (Q and U, I) have different WCS keywords.
    case wcsMismatch(path: String, keyword: String, value: String, reference: String, referenceValue: String)
    /// The frequency list does not match the cube, or holds a bad value.
    case badFrequencies(path: String, message: String)
    /// The noise list does not match the channels, or holds a bad value.
    case badNoise(path: String, message: String)
    /// A setting is out of range.
    case invalidSetting(String)
    /// Every channel is flagged (NaN) in every pixel.
    case allFlagged(path: String)

    public var description: String {
        switch self {
        case let .badAxes(path, message):
            return "\(path): \(message)"
        case let .noFrequencyAxis(path):
            return "\(path): no frequency axis (no CTYPEn containing FREQ); give the channel frequencies with --freq FILE"
        case let .shapeMismatch(path, shape, reference, referenceShape):
            return "\(path): shape \(Self.text(shape)) differs from \(reference)'s \(Self.text(referenceShape)); the cubes must be on the same grid"
        case let .wcsMismatch(path, keyword, value, reference, referenceValue):
            return "\(path): \(keyword) = \(value) differs from \(reference)'s \(referenceValue); the cubes must be on the same grid"
        case let .badFrequencies(path, message):
            return "\(path): \(message)"
        case let .badNoise(path, message):
            return "\(path): \(message)"
        case let .invalidSetting(message):
            return "invalid setting: \(message)"
        case let .allFlagged(path):
            return "\(path): every channel is flagged (NaN) in every pixel: nothing to synthesise"
        }
    }

    static func text(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: " x ") }
}
