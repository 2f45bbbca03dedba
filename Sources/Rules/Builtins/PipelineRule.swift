import Language
import Graph
import Store

/// A pipeline stage as a rule kind: what an Arrakisfile may give it (`signature`, checked
/// when the file loads), what one instance writes besides its declared outputs (`claims`,
/// checked by the engine so that no two products write the same thing), and how it runs.
protocol PipelineRule: BuiltinRule {
    static var signature: RuleSignature { get }
    /// The directories, files and database entries one instance writes besides its declared
    /// outputs, from its arguments (params, inputs, loop variables), as `OutputClaim`s
    /// whose descriptions name the place exactly: equal descriptions are the same place.
    static func claims(_ args: BuiltinArguments) -> [OutputClaim]
}

/// The params, loop variables and claim wording the rules share.
enum CommonSignature {
    static let epoch = LoopVariableSpec("epoch", integer: true, "the RACS epoch, an integer")
    static let field = LoopVariableSpec("field", "the field name, e.g. RACS_1237+12A")

    static let database = ParamSpec(
        "database", .database, default: PipelineStoreAccess.defaultDatabase, outputLocation: true,
        "the pipeline database (`sqlite:PATH` or `mongodb://user@host`); its password comes from ARRAKIS_DB_PASSWORD or the file ARRAKIS_DB_PASSWORD_FILE names")

    static let rmResults = "rm_outputs_1d"
    /// The beams documents' field holding each field's cutout and mosaic paths.
    static let beamsRecord = "beams"

    /// `results` for the paths cutouts and mosaics record in the beams documents.
    static let beamsResults = ParamSpec(
        "results", .fieldName, default: beamsRecord, outputLocation: true,
        "the beams documents' field the paths are recorded under (`<results>.<FIELD>...`; the original's `beams`); give a second product its own")

    /// The pipeline database a claim names: the URL without user or password, so two
    /// spellings of one database are one place.
    static func database(_ args: BuiltinArguments) -> String {
        let url = args.string("database", default: PipelineStoreAccess.defaultDatabase)
        guard let parsed = try? DatabaseURL(url) else { return DatabaseURL.redact(url) }
        if parsed.scheme == "sqlite" { return "sqlite:" + ClaimPath.normal(parsed.path) }
        return "\(parsed.scheme)://\(parsed.host)\(parsed.port.map { ":\($0)" } ?? "")/\(parsed.path)"
    }

    /// `epoch E of DATABASE`.
    static func epochOf(_ args: BuiltinArguments) -> String {
        "epoch \(args.values["key.epoch"] ?? "?") of \(database(args))"
    }

    /// The field (or region) an instance works on, and its island when it works on one
    /// island of a region (`for (epoch, field, island) in manifest(region)`).
    static func field(_ args: BuiltinArguments) -> String {
        (args.values["key.field"] ?? "?") + (args.values["key.island"].map { " island \($0)" } ?? "")
    }
}

/// Paths as claims compare them: `./a//b/` is `a/b`.
enum ClaimPath {
    static func normal(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        let parts = path.split(separator: "/").filter { $0 != "." }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}
