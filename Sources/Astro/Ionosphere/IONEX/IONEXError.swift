import Foundation

/// Why an IONEX file could not be read, found, downloaded or used: the file, the line when one
/// is to blame (1-based, in the decompressed text), and what is wrong.
public struct IONEXError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int?
    public var message: String

    public init(file: String, line: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// "FILE:LINE: message" (or "FILE: message"): one line of printable text, whatever bytes
    /// the file name or a quoted piece of a damaged file held (those are shown as \u{...}).
    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return IONEXError.printable("\(place): \(message)")
    }

    /// `text` with control, format, separator and unassigned characters written as \u{hex}.
    static func printable(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .unassigned, .surrogate, .privateUse:
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A piece of a damaged line for a message: at most `limit` characters, quoted.
    static func quote<S: StringProtocol>(_ text: S, limit: Int = 40) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let shown = trimmed.count > limit ? String(trimmed.prefix(limit)) + "..." : trimmed
        return "'" + shown + "'"
    }
}
