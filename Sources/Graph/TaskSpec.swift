/// What an executor runs for a product. Graph does not interpret it.
public enum TaskCommand: Sendable, Hashable {
    /// A shell command line, run with `/bin/sh -c`.
    case shell(String)
    /// A built-in rule run in-process by name, with string arguments.
    case builtin(kind: String, arguments: [String: String])

    /// Canonical text for fingerprints and explanations.
    public var canonical: String {
        switch self {
        case .shell(let s): return "shell:" + s
        case .builtin(let k, let args):
            return "builtin:" + k + args.sorted { $0.key < $1.key }.map { "\n\($0.key)=\($0.value)" }.joined()
        }
    }
}

/// Per-task resources: the local executor treats cpus and memory as tokens, SLURM as requests.
public struct Resources: Sendable, Hashable {
    public var cpus: Int
    public var memoryMB: Int
    public var timeSeconds: Int
    public var retries: Int
    /// Where a batch scheduler should run it, by option name (SLURM: `account`,
    /// `partition`, `qos`); the local executor ignores them.
    public var queue: [String: String]

    public init(cpus: Int = 1, memoryMB: Int = 0, timeSeconds: Int = 0, retries: Int = 0, queue: [String: String] = [:]) {
        self.cpus = cpus
        self.memoryMB = memoryMB
        self.timeSeconds = timeSeconds
        self.retries = retries
        self.queue = queue
    }
}

/// Index of a product instance in a `BuildGraph`.
public typealias InstanceID = Int

/// One product instance, as a family expands it.
///
/// A family may have a million instances, so the struct keeps inline only what every
/// instance has (key, inputs, outputs, rule kind, command); the fields most instances leave
/// at their defaults live in one shared, copy-on-write box (`Rare`), which costs an
/// instance nothing until one of them is set.
public struct TaskSpec: Sendable {
    public var key: ProductKey
    /// Files read (paths), with the name explanations use.
    public var fileInputs: PathList
    /// Upstream instances whose outputs are inputs.
    public var productInputs: [InstanceID]
    public var outputs: PathList
    public var ruleKind: String
    public var command: TaskCommand
    fileprivate var rare: Rare

    /// Those of `productInputs` that only order the build (`after`): this product is
    /// evaluated once they are built, but their outputs are not part of its fingerprint. Its
    /// file inputs that they write are hashed when it is evaluated, after they ran.
    public var orderOnly: Set<InstanceID> {
        get { rare.orderOnly }
        set { if !(newValue.isEmpty && rare.orderOnly.isEmpty) { uniqueRare().orderOnly = newValue } }
    }
    /// Output holding this product's manifest (TSV with a header), if any; also in `outputs`.
    public var manifest: String? {
        get { rare.manifest }
        set { if !(newValue == nil && rare.manifest == nil) { uniqueRare().manifest = newValue } }
    }
    /// (name, canonical value), any order; the engine sorts them.
    public var params: [(String, String)] {
        get { rare.params }
        set { if !(newValue.isEmpty && rare.params.isEmpty) { uniqueRare().params = newValue } }
    }
    public var ruleVersion: String {
        get { rare.ruleVersion }
        set { if !(newValue == rare.ruleVersion) { uniqueRare().ruleVersion = newValue } }
    }
    public var resources: Resources {
        get { rare.resources }
        set { if !(newValue == rare.resources) { uniqueRare().resources = newValue } }
    }
    /// What it writes besides `outputs` (a directory it owns, a database field): no two
    /// instances may claim the same. Not part of the fingerprint; built-in rules only (the
    /// expansion cache, which holds shell families, does not store them).
    public var claims: [OutputClaim] {
        get { rare.claims }
        set { if !(newValue.isEmpty && rare.claims.isEmpty) { uniqueRare().claims = newValue } }
    }
    /// A file the task writes listing, one path per line, the files it read besides its
    /// declared inputs (found only when it ran: the IONEX maps of its observation's days,
    /// say). After a successful run the engine hashes them into the trace, and a later
    /// change to one makes the product stale (ninja's depfile). Built-in rules only (not
    /// stored by the expansion cache); not part of the fingerprint.
    public var depfile: String? {
        get { rare.depfile }
        set { if !(newValue == nil && rare.depfile == nil) { uniqueRare().depfile = newValue } }
    }

    public init(key: ProductKey, fileInputs: PathList = [], productInputs: [InstanceID] = [],
                outputs: PathList, manifest: String? = nil, params: [(String, String)] = [],
                ruleKind: String, ruleVersion: String = TaskSpec.defaultRuleVersion, command: TaskCommand,
                resources: Resources = Resources()) {
        self.key = key
        self.fileInputs = fileInputs
        self.productInputs = productInputs
        self.outputs = outputs
        self.ruleKind = ruleKind
        self.command = command
        if manifest == nil, params.isEmpty, ruleVersion == Rare.defaults.ruleVersion, resources == Rare.defaults.resources {
            rare = Rare.defaults
        } else {
            rare = Rare(manifest: manifest, params: params, ruleVersion: ruleVersion, resources: resources)
        }
    }

    /// Whether every rare field has its default (`orderOnly`, `manifest`, `params`,
    /// `claims`, `depfile` empty, `ruleVersion` "1", default `resources`): true for most
    /// instances of a fan-out. Reads no field (and retains nothing).
    public var hasDefaultRareFields: Bool {
        Unmanaged.passUnretained(rare).toOpaque() == Unmanaged.passUnretained(Rare.defaults).toOpaque()
    }

    /// `ruleVersion` when not set.
    public static let defaultRuleVersion = "1"

    /// The box, made this instance's own first. (Setting a field to the value it has, such
    /// as an empty `orderOnly`, leaves a shared box shared.)
    private mutating func uniqueRare() -> Rare {
        if !isKnownUniquelyReferenced(&rare) { rare = rare.copy() }
        return rare
    }

    /// The fields most instances leave at their defaults. Mutated only through a uniquely
    /// referenced box (`uniqueRare`), so sharing one between instances and threads is safe.
    fileprivate final class Rare: @unchecked Sendable {
        static let defaults = Rare()

        var orderOnly: Set<InstanceID> = []
        var manifest: String?
        var params: [(String, String)] = []
        var ruleVersion = TaskSpec.defaultRuleVersion
        var resources = Resources()
        var claims: [OutputClaim] = []
        var depfile: String?

        init(manifest: String? = nil, params: [(String, String)] = [], ruleVersion: String = TaskSpec.defaultRuleVersion,
             resources: Resources = Resources()) {
            self.manifest = manifest
            self.params = params
            self.ruleVersion = ruleVersion
            self.resources = resources
        }

        func copy() -> Rare {
            let c = Rare(manifest: manifest, params: params, ruleVersion: ruleVersion, resources: resources)
            c.orderOnly = orderOnly
            c.claims = claims
            c.depfile = depfile
            return c
        }
    }
}

extension UnsafePointer where Pointee == TaskSpec {
    /// `pointee.hasDefaultRareFields` without copying the instance: a computed property read
    /// through `pointee` copies the whole instance first (retaining every array and string
    /// it holds), where a stored one is read in place.
    @inline(__always)
    var hasDefaultRareFields: Bool {
        Unmanaged.passUnretained(pointee.rare).toOpaque() == Unmanaged.passUnretained(TaskSpec.Rare.defaults).toOpaque()
    }
}
