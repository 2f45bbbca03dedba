/// Why a World Magnetic Model coefficient text could not be read, naming where.
public struct WMMCoefficientError: Error, Equatable, CustomStringConvertible {
    /// The text's origin as the caller named it (a file name, or the built-in model).
    public var source: String
    /// 1-based line number, or nil when the problem is with the text as a whole.
    public var line: Int?
    public var reason: String

    public init(source: String, line: Int?, reason: String) {
        self.source = source
        self.line = line
        self.reason = reason
    }

    public var description: String {
        if let line { return "\(source) line \(line): \(reason)" }
        return "\(source): \(reason)"
    }
}
