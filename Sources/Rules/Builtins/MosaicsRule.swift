import Language
import Astro
import Foundation
import Graph
import Store

/// `rule mosaics` (stage 2, LINMOS), one field of one epoch: for every island and Stokes
/// parameter, the primary-beam-weighted mosaic of its beam cutouts,
/// `<cutouts>/<Source_ID>/<Source_ID>.cutout.image.restored.<s>.<FIELD>.contcube.linmos.fits`
/// and its weight image. Each beam's primary beam is centred on its pointing from the RACS
/// database (the field table), not on the cutout's reference pixel. The mosaic's path,
/// relative to the cutouts directory, is stored as `beams.<FIELD>.<s>_file` as each island
/// is done. Manifest: `source_id stokes image weight digest inputs`;
/// a mosaic whose cutouts and beam centres are as at the last build is kept.
///
/// A region's island (a table written by `region`) is mosaicked from its cutouts from every
/// field that sees it, each beam's primary beam centred on its own field's pointing: the
/// same weighting across fields as within one; `<FIELD>` is then the region's name.
///
/// With `stokes = "IQUV"` each island also gets a V mosaic, from the V cutouts of the same
/// beams as its I mosaic (an error names the island and the beams when they are not there).
///
/// Inputs: `table`, `cutouts` (the cutouts manifest; none for a region's island). Params: `cutoff` (default 0.01),
/// `cutouts` (directory), `stokes`, `database`.
public struct MosaicsRule: BuiltinRule {
    public init() {}

    public func run(arguments: [String: String], outputs: [String], log: TaskLog) throws {
        let args = BuiltinArguments(arguments, kind: "mosaics")
        let table = try FieldTable.read(try args.inputPath("table"))
        let rows = try Self.cutoutRows(table: table, args: args)
        let stokes = try StokesSelection(args)
        var beam = GaussianPrimaryBeam()
        beam.dishDiameter = try args.double("dish_diameter", default: beam.dishDiameter)
        beam.fwhmFactor = try args.double("fwhm_factor", default: beam.fwhmFactor)
        let linmos = Linmos(cutoff: try args.double("cutoff", default: 0.01), primaryBeam: .gaussian(beam))
        let directory = try args.string("cutouts")
        let db = try PipelineStoreAccess.pipeline(args)
        let record = args.string("results", default: CommonSignature.beamsRecord)

        var inputs: [String: [LinmosInput]] = [:]   // "Source_ID\ts"
        var sources: [String: [String]] = [:]       // what each mosaic is made from, for reuse
        for r in rows {
            guard let beam = Int(r["beam"]!) else { throw BuiltinRuleError.failed("cutouts manifest: bad beam '\(r["beam"]!)'") }
            guard let weights = r["weights"], !weights.isEmpty else {
                throw BuiltinRuleError.failed("\(r["image"]!): no weights file was cut with it, so it cannot be mosaicked")
            }
            let centre = table.beam(beam, field: r["field"] ?? table.field).map { SkyPosition(ra: $0.ra, dec: $0.dec) }
            let unit = r["source_id"]! + "\t" + r["stokes"]!
            inputs[unit, default: []].append(LinmosInput(image: r["image"]!, weights: weights, beamCentre: centre))
            sources[unit, default: []].append("\(table.isRegion ? r["field"]! + " " : "")\(beam) \(r["image"]!) \(r["digest"] ?? "") \(centre.map { "\($0.ra) \($0.dec)" } ?? "crval")")
        }
        var manifest = "source_id\tstokes\timage\tweight\tdigest\tinputs\n"
        var reuse = UnitReuse(manifest: try args.manifestFinalPath(), keyColumns: ["source_id", "stokes"], fileColumns: ["image", "weight"])
        // The beam model is part of each mosaic's inputs when it is not the default.
        let cutoff = (arguments["cutoff"] ?? "0.01") + (arguments["dish_diameter"] == nil && arguments["fwhm_factor"] == nil ? ""
            : " beam \(beam.dishDiameter) \(beam.fwhmFactor)")
        var failures: [String] = []
        for island in table.islands {
            var updates: [(path: String, value: DocValue)] = []
            for s in stokes.parameters {
                guard let beams = inputs[island.sourceID + "\t" + s], !beams.isEmpty else {
                    failures.append("\(island.sourceID) \(s.uppercased()): no cutouts"
                        + (s == "v" ? " (cut V as well: the cutouts product needs stokes = \"IQUV\")" : "")); continue
                }
                if s == "v", let missing = Self.beamsWithout(s, of: island.sourceID, in: sources, table: table) {
                    failures.append("\(island.sourceID) V: no V cutouts from \(missing), whose I cutouts are mosaicked"
                        + " (were those cutouts made with stokes = \"IQUV\"?)"); continue
                }
                let islandDir = CutoutNames.directory(cutouts: directory, sourceID: island.sourceID)
                // A mosaics product of its own (another `cutouts` directory) starts with none.
                do { try FileManager.default.createDirectory(atPath: islandDir, withIntermediateDirectories: true) } catch {
                    throw BuiltinRuleError.failed("cannot create \(islandDir): \(error.localizedDescription)")
                }
                let imageName = MosaicNames.image(sourceID: island.sourceID, stokes: s, field: table.field)
                let image = islandDir + "/" + imageName
                let weight = islandDir + "/" + MosaicNames.weights(sourceID: island.sourceID, stokes: s, field: table.field)
                let unitInputs = UnitReuse.inputs([table.field, cutoff] + sources[island.sourceID + "\t" + s]!.sorted())
                var digest: String
                if let old = reuse.previous([island.sourceID, s], inputs: unitInputs), old["image"] == image {
                    digest = old["digest"]!
                } else {
                    do {
                        _ = try linmos.mosaic(beams, image: image, weightImage: weight)
                    } catch {
                        failures.append("\(island.sourceID) \(s.uppercased()): \(error)"); continue
                    }
                    digest = try ContentDigest.of([image, weight])
                }
                manifest += "\(island.sourceID)\t\(s)\t\(image)\t\(weight)\t\(digest)\t\(unitInputs)\n"
                updates.append(("\(record).\(table.field).\(s)_file", .string(island.sourceID + "/" + imageName)))
            }
            if !updates.isEmpty {
                try db.upsert(.beams, epoch: table.epoch, [Upsert(key: ["Source_ID": .string(island.sourceID)], set: updates)])
            }
        }
        if !failures.isEmpty {
            throw BuiltinRuleError.failed("field \(table.field) (epoch \(table.epoch)): \(failures.count) mosaic(s) failed:\n"
                + failures.prefix(20).map { "  " + $0 }.joined(separator: "\n") + (failures.count > 20 ? "\n  ..." : ""))
        }
        try AtomicTextFile.write(manifest, to: try args.manifestPath())
        log.write("\(table.field): \(table.islands.count) islands mosaicked (\(reuse.reused) mosaics unchanged, kept)")
    }

    /// The beams (and for a region's island, their fields) whose I cutouts are mosaicked
    /// but which have no `s` cutout of the island, as text; nil when every one has.
    static func beamsWithout(_ s: String, of island: String, in sources: [String: [String]], table: FieldTable) -> String? {
        // A source line starts with "[FIELD ]BEAM ".
        func beams(_ stokes: String) -> Set<String> {
            Set((sources[island + "\t" + stokes] ?? []).map { line in
                line.split(separator: " ").prefix(table.isRegion ? 2 : 1).joined(separator: " ")
            })
        }
        let missing = beams("i").subtracting(beams(s)).sorted()
        guard !missing.isEmpty else { return nil }
        return missing.map { table.isRegion ? "field \($0.split(separator: " ")[0]) beam \($0.split(separator: " ")[1])" : "beam \($0)" }
            .joined(separator: ", ")
    }

    /// The cutouts to mosaic: a field's from its cutouts manifest; a region's island's from
    /// its table, which lists them from every field that sees it.
    static func cutoutRows(table: FieldTable, args: BuiltinArguments) throws -> [[String: String]] {
        guard table.isRegion else {
            return try ManifestTable(try args.inputPath("cutouts")).rows(requiring: ["source_id", "stokes", "beam", "image", "weights"])
        }
        if args.values["input.cutouts"] != nil {
            throw BuiltinRuleError.failed("mosaics: \(try args.inputPath("table")) is a region's table, which lists its cutouts: give no `cutouts` input")
        }
        return table.islands.flatMap { island in
            (island.cutouts ?? []).map {
                ["source_id": island.sourceID, "stokes": $0.stokes, "beam": String($0.beam), "image": $0.image,
                 "weights": $0.weights, "digest": $0.digest, "field": $0.field]
            }
        }
    }
}
