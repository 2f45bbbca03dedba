/// One error in an Arrakisfile, rendered like a compiler's:
///
///     Arrakisfile:12:11: error: unknown product 'wcc' (did you mean 'wc'?)
///         input wcc
///               ^
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    /// The full text of the offending line (without its newline), if known.
    public var lineText: String?

    public init(_ message: String, at location: SourceLocation, lineText: String? = nil) {
        self.message = message
        self.location = location
        self.lineText = lineText
    }

    public var description: String {
        var out = "\(location): error: \(message)"
        if let text = lineText {
            // Tabs are kept so the caret lines up with what a terminal shows.
            let prefix = text.prefix(max(0, location.column - 1))
            let pad = String(prefix.map { $0 == "\t" ? "\t" : " " })
            out += "\n    \(text)\n    \(pad)^"
        }
        return out
    }
}
