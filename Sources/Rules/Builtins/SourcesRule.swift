import Language
import Astro
import Foundation
import Graph
import Store

/// `rule sources`: the init step as a product. Loads the island and component catalogues
/// and the RACS observations of one epoch into the pipeline database (by upsert, keeping
/// stored results), then writes one `FieldTable` per field that sees any island into the
/// `fields` directory, and a manifest with the columns `epoch field` (it changes only
/// when the set of fields does).
///
/// Params: `database` (URL), `racs` (RACS database: directory or postgresql:// URL),
/// `fields` (directory for the field tables). Inputs: `islands`, `components`.
/// Loop variable: `epoch`.
public struct SourcesRule: BuiltinRule {
    public init() {}

    public func run(arguments: [String: String], outputs: [String], log: TaskLog) throws {
        let args = BuiltinArguments(arguments, kind: "sources")
        guard let epoch = Int(try args.key("epoch")) else {
            throw BuiltinRuleError.badArgument(kind: "sources", name: "epoch", value: arguments["key.epoch"] ?? "", expected: "an integer")
        }
        let db = try PipelineStoreAccess.pipeline(args)
        let racs = try PipelineStoreAccess.racs(args)
        var options = PipelineInitialiser.Options()
        options.islandCatalogue = try args.inputPath("islands")
        options.componentCatalogue = try args.inputPath("components")
        options.loadCatalogue = true
        options.loadFields = true
        options.epochs = [epoch]
        try PipelineInitialiser(database: db, racs: racs, progress: { log.write($0) }).run(options)

        let directory = try args.string("fields")
        let tables = try FieldTableBuilder.tables(from: db, epoch: epoch)
        try FieldTableFiles.synchronise(tables, in: directory)
        var manifest = "epoch\tfield\n"
        for t in tables { manifest += "\(epoch)\t\(t.field)\n" }
        try AtomicTextFile.write(manifest, to: try args.manifestPath())
        log.write("epoch \(epoch): \(tables.count) fields, \(tables.reduce(0) { $0 + $1.islands.count }) island-field pairs")
    }
}

/// Keeps a directory of field tables equal to a set of tables: writes the changed ones
/// (atomically; an unchanged file keeps its mtime, so nothing downstream rehashes it)
/// and removes tables of fields that are gone.
enum FieldTableFiles {
    static func path(_ directory: String, field: String) -> String { directory + "/" + field + ".json" }

    static func synchronise(_ tables: [FieldTable], in directory: String) throws {
        var files: [String: String] = [:]
        for t in tables { files[t.field + ".json"] = try t.encoded() }
        try TableFiles.synchronise(files, in: directory)
    }
}
