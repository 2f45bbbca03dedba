#if canImport(Glibc)
import Glibc
#endif

extension Diagnostic {
    /// A diagnostic with the offending line read from its file, for errors found after parsing.
    public static func at(_ location: SourceLocation, _ message: String) -> Diagnostic {
        Diagnostic(message, at: location, lineText: sourceLine(location.file, location.line))
    }
}

func sourceLine(_ file: String, _ line: Int) -> String? {
    guard let f = fopen(file, "r") else { return nil }
    defer { fclose(f) }
    var n = 0
    var buffer: UnsafeMutablePointer<CChar>? = nil
    var cap = 0
    defer { free(buffer) }
    while getline(&buffer, &cap, f) > 0 {
        n += 1
        if n == line, let b = buffer {
            var s = String(cString: b)
            while s.hasSuffix("\n") || s.hasSuffix("\r") { s.removeLast() }
            return s
        }
    }
    return nil
}
