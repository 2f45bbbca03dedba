/// Why a validation report could not be made.
public enum ValidationError: Error, CustomStringConvertible, Sendable {
    case missingColumn(file: String, column: String, kind: String)
    case badValue(file: String, line: Int, column: String, value: String)
    case unreadable(file: String, reason: String)

    public var description: String {
        switch self {
        case .missingColumn(let f, let c, let k): return "\(f): no \(k) column '\(c)'"
        case .badValue(let f, let l, let c, let v): return "\(f):\(l): column '\(c)' is '\(v)', expected a number"
        case .unreadable(let f, let r): return "cannot read \(f): \(r)"
        }
    }
}
