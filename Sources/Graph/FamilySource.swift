/// A product family: knows how to expand itself into instances once the families it needs
/// are expanded (and, for a fan-out over a manifest, built). Implemented by the rule layer.
public protocol FamilySource: Sendable {
    var name: String { get }
    /// The family's loop variables, in key order.
    var variables: [String] { get }
    /// Families whose instances this family's inputs refer to: expanded before this one.
    var inputFamilies: [String] { get }
    /// Families whose *outputs* decide this family's instances (manifest fan-out): built
    /// before this one is expanded.
    var expansionFamilies: [String] { get }
    /// Creates the instances. `graph` holds every family expanded so far.
    func expand(in graph: BuildGraph) throws -> [TaskSpec]
}

/// An error expanding a family (bad manifest, duplicate output, ...), naming the family.
public struct ExpansionError: Error, CustomStringConvertible, Sendable {
    public var family: String
    public var message: String
    public init(family: String, message: String) {
        self.family = family
        self.message = message
    }
    public var description: String { "product '\(family)': \(message)" }
}
