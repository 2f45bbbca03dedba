import Foundation

/// Which runs history keeps when pruned: the newest `keep`, and/or those started within
/// `maximumAge` of now. A run must pass both limits given to stay; its task records go with it.
public struct HistoryRetention: Sendable, Equatable {
    public var keep: Int?
    public var maximumAge: TimeInterval?

    public init(keep: Int? = nil, maximumAge: TimeInterval? = nil) {
        self.keep = keep
        self.maximumAge = maximumAge
    }

    /// Whether it limits anything.
    public var isEmpty: Bool { keep == nil && maximumAge == nil }

    /// Parses an age: a whole number followed by `d` (days), `h` (hours), `w` (weeks) or
    /// `m` (minutes), e.g. `30d`; nil if it is not one.
    public static func age(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let n = Int(text.dropLast()), n >= 0 else { return nil }
        switch unit {
        case "m": return Double(n) * 60
        case "h": return Double(n) * 3600
        case "d": return Double(n) * 86400
        case "w": return Double(n) * 7 * 86400
        default: return nil
        }
    }
}
