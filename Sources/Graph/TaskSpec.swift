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
public struct TaskSpec: Sendable {
    public var key: ProductKey
    /// Files read (paths), with the name explanations use.
    public var fileInputs: [String]
    /// Upstream instances whose outputs are inputs.
    public var productInputs: [InstanceID]
    /// Those of `productInputs` that only order the build (`after`): this product is
    /// evaluated once they are built, but their outputs are not part of its fingerprint. Its
    /// file inputs that they write are hashed when it is evaluated, after they ran.
    public var orderOnly: Set<InstanceID> = []
    public var outputs: [String]
    /// Output holding this product's manifest (TSV with a header), if any; also in `outputs`.
    public var manifest: String?
    /// (name, canonical value), any order; the engine sorts them.
    public var params: [(String, String)]
    public var ruleKind: String
    public var ruleVersion: String
    public var command: TaskCommand
    public var resources: Resources
    /// What it writes besides `outputs` (a directory it owns, a database field): no two
    /// instances may claim the same. Not part of the fingerprint; built-in rules only (the
    /// expansion cache, which holds shell families, does not store them).
    public var claims: [OutputClaim] = []
    /// A file the task writes listing, one path per line, the files it read besides its
    /// declared inputs (found only when it ran: the IONEX maps of its observation's days,
    /// say). After a successful run the engine hashes them into the trace, and a later
    /// change to one makes the product stale (ninja's depfile). Built-in rules only (not
    /// stored by the expansion cache); not part of the fingerprint.
    public var depfile: String?

    public init(key: ProductKey, fileInputs: [String] = [], productInputs: [InstanceID] = [],
                outputs: [String], manifest: String? = nil, params: [(String, String)] = [],
                ruleKind: String, ruleVersion: String = "1", command: TaskCommand,
                resources: Resources = Resources()) {
        self.key = key
        self.fileInputs = fileInputs
        self.productInputs = productInputs
        self.outputs = outputs
        self.manifest = manifest
        self.params = params
        self.ruleKind = ruleKind
        self.ruleVersion = ruleVersion
        self.command = command
        self.resources = resources
    }
}
