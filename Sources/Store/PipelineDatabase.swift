/// The collections of the pipeline database, as the original names them. One set per
/// epoch (MongoDB database `arrakis_epoch_<N>`).
public enum PipelineCollection: String, Sendable, CaseIterable {
    case islands, components, beams, fields
    case beamInf = "beam_inf"

    /// The fields that identify a document; upserts match on them.
    public var keyFields: [String] {
        switch self {
        case .islands, .beams: return ["Source_ID"]
        case .components: return ["Gaussian_ID"]
        case .fields: return ["FIELD_NAME", "SBID"]
        case .beamInf: return ["FIELD_NAME", "SBID", "BEAM_NUM"]
        }
    }

    /// Fields indexed besides the key (the original forgets components.Source_ID; we don't).
    public var indexedFields: [String] {
        switch self {
        case .components: return ["Source_ID"]
        default: return []
        }
    }
}

/// One upsert: find the document whose key fields equal `key` (insert it when missing),
/// then set each (dotted) path in `set`, leaving every other field as it was. This is how
/// loading keeps results that later stages stored in the same documents.
public struct Upsert: Sendable, Equatable {
    public var key: Document
    public var set: [(path: String, value: DocValue)]

    public init(key: Document, set: [(path: String, value: DocValue)]) {
        self.key = key
        self.set = set
    }

    public static func == (a: Upsert, b: Upsert) -> Bool {
        a.key == b.key && a.set.count == b.set.count
            && zip(a.set, b.set).allSatisfy { $0.path == $1.path && $0.value == $1.value }
    }
}

/// A query filter: all conditions must hold. Paths may be dotted.
public struct Filter: Sendable, Equatable {
    public var equals: [(path: String, value: DocValue)]

    public init(_ equals: [(path: String, value: DocValue)] = []) {
        self.equals = equals
    }

    public static let all = Filter()

    public static func == (a: Filter, b: Filter) -> Bool {
        a.equals.count == b.equals.count
            && zip(a.equals, b.equals).allSatisfy { $0.path == $1.path && $0.value == $1.value }
    }
}

/// The pipeline database: embedded SQLite (`sqlite:PATH`) or MongoDB (`mongodb://...`).
///
/// Backends must return the same documents for the same operations: a document's fields
/// come back in the order they were first set, `_id` is not returned, and `find` orders
/// documents by their key fields.
public protocol PipelineDatabase: AnyObject {
    /// A description safe to print: the URL without any password.
    var displayName: String { get }

    /// Applies the upserts to one collection of one epoch. A backend applies all of them or,
    /// where it can, none (SQLite: one transaction).
    func upsert(_ collection: PipelineCollection, epoch: Int, _ updates: [Upsert]) throws

    /// Stores documents that are most likely new (a first load): as `upsert` of every row's
    /// upsert (`EncodedDocuments.upsert(at:)`), so a key already stored is merged, but a
    /// backend may insert the texts as they are.
    func insertNew(_ documents: EncodedDocuments, epoch: Int) throws

    func find(_ collection: PipelineCollection, epoch: Int, _ filter: Filter) throws -> [Document]

    func count(_ collection: PipelineCollection, epoch: Int) throws -> Int

    /// Creates the key and secondary indexes of every collection of the epoch.
    func ensureIndexes(epoch: Int) throws

    /// Deletes every collection of one epoch (`arrakis init --replace`).
    func drop(epoch: Int) throws

    /// Epochs that hold any collection.
    func epochs() throws -> [Int]

    /// Runs `body` so that its writes are stored together or not at all where the backend
    /// can (SQLite: one transaction). Backends without multi-document transactions run it
    /// as is; callers check every input before writing.
    func atomically(_ body: () throws -> Void) throws

    /// As `atomically`, for one large load (`arrakis init`): the backend may store it in the
    /// way fastest for writing much at once, keeping it all-or-nothing.
    func atomicallyInBulk(_ body: () throws -> Void) throws

    /// True when `atomically` stores everything or nothing (SQLite), so a loader may
    /// check its input as it writes instead of reading it twice.
    var isTransactional: Bool { get }
}

extension PipelineDatabase {
    public var isTransactional: Bool { false }

    public func insertNew(_ documents: EncodedDocuments, epoch: Int) throws {
        try upsert(documents.collection, epoch: epoch, try documents.upserts())
    }

    public func atomically(_ body: () throws -> Void) throws {
        try body()
    }

    public func atomicallyInBulk(_ body: () throws -> Void) throws {
        try atomically(body)
    }
}

/// Errors every backend reports; messages name the database and never contain a password.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case unreachable(String)
    case authentication(String)
    case invalidURL(String)
    case failed(String)
    case input(String)

    public var description: String {
        switch self {
        case .unreachable(let m), .authentication(let m), .invalidURL(let m), .failed(let m), .input(let m):
            return m
        }
    }
}
