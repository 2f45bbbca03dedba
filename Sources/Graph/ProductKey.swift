/// The identity of one product instance: its family and the values of the family's loop
/// variables, e.g. `wc[alpha]` or `cutout[RACS_1237+12A_3165, q, 7]`.
public struct ProductKey: Hashable, Sendable, CustomStringConvertible, Comparable {
    public var family: String
    public var values: [String]

    public init(family: String, values: [String] = []) {
        self.family = family
        self.values = values
    }

    public var description: String {
        values.isEmpty ? family : family + "[" + values.joined(separator: ", ") + "]"
    }

    public static func < (a: ProductKey, b: ProductKey) -> Bool {
        a.family != b.family ? a.family < b.family : a.values.lexicographicallyPrecedes(b.values)
    }
}
