/// A FITS header keyword value as written in a card.
public enum FITSValue: Sendable, Equatable, CustomStringConvertible {
    case string(String)
    case integer(Int)
    case real(Double)
    case logical(Bool)
    /// A value cfitsio could not classify (complex numbers); kept verbatim.
    case raw(String)

    public var description: String {
        switch self {
        case .string(let s): return "'\(s)'"
        case .integer(let i): return String(i)
        case .real(let d): return String(d)
        case .logical(let b): return b ? "T" : "F"
        case .raw(let r): return r
        }
    }

    /// The value as a number, when it is one (integers widen to Double).
    public var double: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .real(let d): return d
        default: return nil
        }
    }

    public var int: Int? {
        switch self {
        case .integer(let i): return i
        case .real(let d) where d.rounded() == d && abs(d) < 9e18: return Int(d)
        default: return nil
        }
    }

    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}

/// One header card. COMMENT, HISTORY and blank cards have no value; their text is `comment`.
public struct FITSCard: Sendable, Equatable {
    public var keyword: String
    public var value: FITSValue?
    public var comment: String

    public init(_ keyword: String, _ value: FITSValue?, comment: String = "") {
        self.keyword = keyword.uppercased()
        self.value = value
        self.comment = comment
    }

    /// True for COMMENT, HISTORY and blank-keyword commentary cards.
    public var isCommentary: Bool {
        keyword == "COMMENT" || keyword == "HISTORY" || keyword.isEmpty
    }
}

/// An ordered list of header cards, with keyword lookup.
///
/// Structural cards (SIMPLE, BITPIX, NAXISn, XTENSION, table column layout...) are kept
/// when read so that a header can be inspected as a whole; writers skip the ones cfitsio
/// writes itself.
public struct FITSHeader: Sendable, Equatable {
    public var cards: [FITSCard]

    public init(_ cards: [FITSCard] = []) {
        self.cards = cards
    }

    /// The value of the first card with this keyword.
    public subscript(keyword: String) -> FITSValue? {
        let key = keyword.uppercased()
        return cards.first { $0.keyword == key && !$0.isCommentary }?.value
    }

    public func double(_ keyword: String) -> Double? { self[keyword]?.double }
    public func int(_ keyword: String) -> Int? { self[keyword]?.int }
    public func string(_ keyword: String) -> String? { self[keyword]?.string }

    public func contains(_ keyword: String) -> Bool { self[keyword] != nil }

    /// Sets a keyword: replaces the first card with it (keeping its place and, when
    /// `comment` is nil, its comment) or appends a new card.
    public mutating func set(_ keyword: String, _ value: FITSValue, comment: String? = nil) {
        let key = keyword.uppercased()
        if let i = cards.firstIndex(where: { $0.keyword == key && !$0.isCommentary }) {
            cards[i].value = value
            if let comment { cards[i].comment = comment }
        } else {
            cards.append(FITSCard(key, value, comment: comment ?? ""))
        }
    }

    public mutating func remove(_ keyword: String) {
        let key = keyword.uppercased()
        cards.removeAll { $0.keyword == key && !$0.isCommentary }
    }

    public mutating func addHistory(_ text: String) {
        cards.append(FITSCard("HISTORY", nil, comment: text))
    }

    public mutating func addComment(_ text: String) {
        cards.append(FITSCard("COMMENT", nil, comment: text))
    }

    /// HISTORY card texts in order.
    public var history: [String] {
        cards.filter { $0.keyword == "HISTORY" }.map(\.comment)
    }
}
