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

    /// Whether a file input of an instance may be another family's declared output (or lie
    /// in a directory another family owns), so that the graph must link it to its writer
    /// (`BuildGraph.add`). True by default; a rule layer that knows better says false.
    var linksFileInputs: Bool { get }

    /// For a family whose instances depend only on its definition and on directory
    /// listings: a digest of everything in the definition that could change them. Nil (the
    /// default) when they depend on more, such as other families' instances.
    var expansionDefinition: Digest? { get }

    /// `expand(in:)`, also naming every directory whose listing the instances came from
    /// (nil when they came from more than listings) and, where it can, which instances each
    /// directory's listing made. The instances of a directory `reuse` still holds (its
    /// listing unchanged since they were stored) may be taken from it rather than rendered.
    func expandListing(in graph: BuildGraph, reuse: StoredParts?) throws -> ListingExpansion
}

/// What `FamilySource.expandListing(in:reuse:)` made.
public struct ListingExpansion: Sendable {
    public var specs: [TaskSpec]
    /// Every directory listed; nil when the instances came from more than listings.
    public var directories: [String]?
    /// The instances each directory's listing made: contiguous ranges of `specs`, in
    /// order, covering them all; nil when that cannot be said (one part, the whole family).
    public var parts: [(directory: String, range: Range<Int>)]?
    /// Directories of `parts` whose instances came from the `StoredParts` given.
    public var reused: Set<String>

    public init(specs: [TaskSpec], directories: [String]?, parts: [(directory: String, range: Range<Int>)]? = nil,
                reused: Set<String> = []) {
        self.specs = specs
        self.directories = directories
        self.parts = parts
        self.reused = reused
    }
}

extension FamilySource {
    public var expansionDefinition: Digest? { nil }
    public var linksFileInputs: Bool { true }

    public func expandListing(in graph: BuildGraph, reuse: StoredParts?) throws -> ListingExpansion {
        ListingExpansion(specs: try expand(in: graph), directories: nil)
    }
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
