/// One cell of a Stokes I catalogue row as the pipeline database holds it (the original's
/// MongoDB documents store the Hale et al. 2021 rows verbatim): a number, a text, or null.
/// Integers are numbers. The lead converts the database's values to these.
public enum CatalogueCell: Sendable, Equatable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByStringLiteral, ExpressibleByNilLiteral {
    case number(Double)
    case text(String)
    case null

    public init(floatLiteral value: Double) { self = .number(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(nilLiteral: ()) { self = .null }

    /// The number, or nil for text and null.
    public var double: Double? { if case .number(let d) = self { return d }; return nil }

    /// The text; an integral number as its integer digits (SBID 8576, not 8576.0); nil for null.
    public var text: String? {
        switch self {
        case .text(let s): return s
        case .number(let d) where d.rounded() == d && abs(d) < 1e15: return String(Int(d))
        case .number(let d): return String(d)
        case .null: return nil
        }
    }
}
