/// Something that kept a product, or a family's expansion, from being made. The engine
/// records one per failure; executors report them and the CLI prints them, without
/// matching message text.
public struct Problem: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// The product's command (or built-in rule) failed, after its retries.
        case taskFailed
        /// The product could not be judged: an input missing or unreadable.
        case evaluationFailed
        /// A family could not be expanded (its fan-out source failed or is malformed).
        case expansionFailed
        /// The product was running when the build was stopped (Ctrl-C).
        case interrupted
    }

    /// The product (`family[values]`), when the problem is one product's.
    public var key: String?
    public var kind: Kind
    public var message: String

    public init(key: String?, kind: Kind, message: String) {
        self.key = key
        self.kind = kind
        self.message = message
    }

    /// `KEY: MESSAGE`, or the message alone.
    public var description: String { key.map { "\($0): \(message)" } ?? message }
}
