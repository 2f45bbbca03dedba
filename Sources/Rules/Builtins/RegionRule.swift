import Language
import Astro
import Foundation
import Graph

/// `rule region` (the original's `spice_region` / `merge_fields`), one epoch: merges the
/// fields of a region so that an island seen by several fields is measured once, from every
/// beam of every field that sees it.
///
/// Reads the field tables (`tables`, the directory `sources` writes) of the region's fields
/// (`fields`: `all`, or a list of field names) and the cutouts manifests of those fields
/// (input `cutouts`), and writes:
/// - per island, a table of its own, `<islands>/<Source_ID>.json`: the region's name as its
///   field, the fields that see it (`members`), their beams that cut it, and its cutouts
///   from all of them (paths and digests); an island's file changes only when one of these
///   does, so the per-island products (`for (epoch, field, island) in manifest(region)`)
///   of the islands a new field overlaps are the only ones made again;
/// - the region's table (`output table`): every island once, with the fields that see it,
///   every member's beams and tile centre, for the region's catalogue;
/// - the manifest `epoch field island fields table`, one row per island (`field` is the
///   region's name).
/// The field tables it read go to its depfile.
public struct RegionRule: BuiltinRule {
    public init() {}

    public func run(arguments: [String: String], outputs: [String], log: TaskLog) throws {
        let args = BuiltinArguments(arguments, kind: "region")
        guard let epoch = Int(try args.key("epoch")) else {
            throw BuiltinRuleError.badArgument(kind: "region", name: "epoch", value: arguments["key.epoch"] ?? "", expected: "an integer")
        }
        let name = try args.string("name")
        let tablesDirectory = try args.string("tables")
        let islandsDirectory = try args.string("islands")
        let manifests = try args.inputPaths("cutouts")
        let wanted = RegionFieldList(args.string("fields", default: "all"))

        let cutouts = try RegionCutouts(manifests: manifests)
        let fields = try wanted.select(from: cutouts.fields, tables: tablesDirectory)
        var tables: [FieldTable] = []
        var read: [String] = []
        for field in fields {
            let path = FieldTableFiles.path(tablesDirectory, field: field)
            let table = try FieldTable.read(path)
            guard table.epoch == epoch else {
                throw BuiltinRuleError.failed("\(path): the table is of epoch \(table.epoch), not \(epoch)")
            }
            if !table.islands.isEmpty, !cutouts.fields.contains(field) {
                throw BuiltinRuleError.failed("region \(name): field \(field) has \(table.islands.count) island(s) but its cutouts are not an input (give the region `input cutouts = cutouts[epoch]`)")
            }
            tables.append(table)
            read.append(path)
        }
        let region = try RegionBuilder(name: name, epoch: epoch, tables: tables, cutouts: cutouts).build()

        var files: [String: String] = [:]
        var manifest = "epoch\tfield\tisland\tfields\ttable\n"
        for island in region.islands {
            let file = island.table.islands[0].sourceID + ".json"
            files[file] = try island.table.encoded()
            manifest += "\(epoch)\t\(name)\t\(island.table.islands[0].sourceID)\t\(island.fields.joined(separator: ","))\t\(islandsDirectory)/\(file)\n"
        }
        try TableFiles.synchronise(files, in: islandsDirectory)
        let regionTable = try region.table.encoded()
        let tablePath = try args.outputPath("table")
        try AtomicTextFile.write(regionTable, to: tablePath)

        let depfile = try args.string("depfile")
        let inputsText = read.map { $0 + "\n" }.joined()
        if (try? String(contentsOfFile: depfile, encoding: .utf8)) != inputsText {
            try AtomicTextFile.write(inputsText, to: depfile)
        }
        try AtomicTextFile.write(manifest, to: try args.manifestPath())
        let shared = region.islands.filter { $0.fields.count > 1 }.count
        log.write("region \(name) (epoch \(epoch)): \(fields.count) field(s), \(region.islands.count) islands, \(shared) seen by more than one field")
    }
}

/// A region's `fields` param: `all`, or field names separated by spaces or commas.
struct RegionFieldList {
    let names: [String]?

    init(_ text: String) {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        names = parts == ["all"] ? nil : parts
    }

    /// The region's fields: all those whose cutouts are inputs, or the names given, each of
    /// which must have a table in `tables` (an unknown name is an error listing the known).
    func select(from available: [String], tables: String) throws -> [String] {
        guard let names else { return available.sorted() }
        let missing = names.filter { !FileManager.default.fileExists(atPath: FieldTableFiles.path(tables, field: $0)) }
        guard missing.isEmpty else {
            let known = ((try? FileManager.default.contentsOfDirectory(atPath: tables)) ?? [])
                .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
            throw BuiltinRuleError.failed("region: param fields names \(missing.joined(separator: ", ")), which has no table in \(tables) (fields of this epoch: "
                                          + (known.isEmpty ? "none" : known.joined(separator: ", ")) + ")")
        }
        return Array(Set(names)).sorted()
    }
}

/// The rows of the fields' cutouts manifests, by field and island.
struct RegionCutouts {
    /// field -> Source_ID -> its cutouts from that field.
    private(set) var byField: [String: [String: [FieldTable.Cutout]]] = [:]

    var fields: [String] { Array(byField.keys) }

    init(manifests: [String]) throws {
        for path in manifests {
            let rows = try ManifestTable(path).rows(requiring: ["source_id", "stokes", "beam", "image", "weights", "digest", "field"])
            for r in rows {
                guard let beam = Int(r["beam"]!) else { throw BuiltinRuleError.failed("\(path): bad beam '\(r["beam"]!)'") }
                let c = FieldTable.Cutout(field: r["field"]!, beam: beam, stokes: r["stokes"]!, image: r["image"]!,
                                          weights: r["weights"]!, digest: r["digest"]!)
                byField[c.field, default: [:]][r["source_id"]!, default: []].append(c)
            }
        }
    }

    func cutouts(field: String, island: String) -> [FieldTable.Cutout] { byField[field]?[island] ?? [] }
}

/// Keeps a directory of JSON tables equal to a set of files: writes the changed ones
/// (atomically; an unchanged file keeps its mtime) and removes the `.json` files not in the set.
enum TableFiles {
    static func synchronise(_ files: [String: String], in directory: String) throws {
        let fm = FileManager.default
        do { try fm.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw BuiltinRuleError.failed("cannot create \(directory): \(error.localizedDescription)")
        }
        for (name, text) in files {
            let p = directory + "/" + name
            if let old = try? String(contentsOfFile: p, encoding: .utf8), old == text { continue }
            try AtomicTextFile.write(text, to: p)
        }
        for name in (try? fm.contentsOfDirectory(atPath: directory)) ?? [] where name.hasSuffix(".json") && files[name] == nil {
            try? fm.removeItem(atPath: directory + "/" + name)
        }
    }
}
