import CFITSIO

/// A failure reading or writing a FITS file. The message always names the file.
public enum FITSError: Error, Equatable, CustomStringConvertible {
    /// cfitsio returned `status`; `text` is its status text and the messages it stacked.
    case cfitsio(path: String, operation: String, status: Int32, text: String)
    /// The file is readable by cfitsio but not what the caller needs (wrong HDU kind,
    /// truncated data, unsupported column type...).
    case invalid(path: String, message: String)

    /// Bytes a damaged file put in the message are shown as \\xNN: never raw.
    public var description: String {
        switch self {
        case let .cfitsio(path, operation, status, text):
            return "\(path): \(printableText(operation)) failed: \(printableText(text)) (cfitsio status \(status))"
        case let .invalid(path, message):
            return "\(path): \(printableText(message))"
        }
    }

    /// cfitsio's status code, when the error came from cfitsio.
    public var status: Int32? {
        if case .cfitsio(_, _, let status, _) = self { return status }
        return nil
    }
}

/// cfitsio's one-line text for a status code plus every message on its error stack
/// (which it clears), most specific last, de-duplicated.
func cfitsioErrorText(_ status: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 96)
    ffgerr(status, &buffer)
    var parts = [String(cBuffer: buffer)]
    var message = [CChar](repeating: 0, count: 96)
    while ffgmsg(&message) != 0 {
        let line = String(cBuffer: message).trimmingCharacters(in: " ")
        if !line.isEmpty, !parts.contains(line) { parts.append(line) }
    }
    // cfitsio quotes header bytes in some messages: keep them printable.
    return printableText(parts.joined(separator: "; "))
}

/// Text with every control or non-ASCII byte shown as \xNN, so a message from a corrupt
/// file cannot write raw binary to a terminal.
func printableText(_ s: String) -> String {
    var out = ""
    for b in s.utf8 {
        if b >= 32 && b < 127 { out.unicodeScalars.append(UnicodeScalar(b)) } else {
            let hex = String(b, radix: 16, uppercase: true)
            out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
        }
    }
    return out
}

extension String {
    /// Trims the given character from both ends (Foundation-free).
    func trimmingCharacters(in c: Character) -> String {
        var s = Substring(self)
        while s.first == c { s = s.dropFirst() }
        while s.last == c { s = s.dropLast() }
        return String(s)
    }
}
