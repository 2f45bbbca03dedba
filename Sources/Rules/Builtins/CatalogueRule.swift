import Language
import Astro
import Foundation
import Graph
import Store

/// `rule catalogue` (stage 6), one field of one epoch: the polarisation catalogue of the
/// field's components, RMTable v1.3 columns with the original's extras and flags, from what
/// the earlier stages stored in the pipeline database. Written as VOTable 1.3
/// (`output votable`) and FITS (`output fits`). A component whose RM synthesis failed keeps
/// its row with the reason in `notes`.
///
/// Inputs: `table`, `mosaics` (for each island's restoring beam), `rmclean` (so the
/// catalogue follows the RM results, which it reads from the results field that product's
/// manifest names, unless `results` says otherwise). Params: `database`, `results`, and the
/// leakage envelope's `leakage_degree`, `leakage_bins`, `leakage_snr`.
public struct CatalogueRule: BuiltinRule {
    public init() {}

    public func run(arguments: [String: String], outputs: [String], log: TaskLog) throws {
        let args = BuiltinArguments(arguments, kind: "catalogue")
        let table = try FieldTable.read(try args.inputPath("table"))
        // A field's mosaics manifest, or a region's (one per island).
        var iMosaics: [String: String] = [:]
        for manifest in try args.inputPaths("mosaics") {
            let rows = try ManifestTable(manifest).rows(requiring: ["source_id", "stokes", "image"])
            for r in rows where r["stokes"] == "i" { iMosaics[r["source_id"]!] = r["image"]! }
        }
        let results = try Self.resultsField(args)
        let db = try PipelineStoreAccess.pipeline(args)
        let components = try FieldCatalogueAssembler(db: db, results: results).components(for: table, mosaics: iMosaics)
        let catalogue: PolarisationCatalogue
        let options = try Self.options(args)
        do { catalogue = try PolarisationCatalogue(components: components, options: options) } catch {
            throw BuiltinRuleError.failed("field \(table.field) (epoch \(table.epoch)): \(error)")
        }
        do {
            try catalogue.writeVOTable(to: try args.outputPath("votable"))
            try catalogue.writeFITS(to: try args.outputPath("fits"))
        } catch let e as BuiltinRuleError {
            throw e
        } catch {
            throw BuiltinRuleError.failed("\(error)")
        }
        let failed = components.filter { if case .failed = $0.measurement { return true } else { return false } }.count
        log.write("\(table.field) (epoch \(table.epoch)): \(catalogue.rowCount) rows, \(failed) without RM results")
    }

    /// The catalogue's settings: the original's, with the leakage envelope's from the params.
    static func options(_ args: BuiltinArguments) throws -> CatalogueOptions {
        var options = CatalogueOptions()
        if args.values["leakage_degree"] != nil { options.leakage.degree = try args.int("leakage_degree") }
        if args.values["leakage_bins"] != nil { options.leakage.bins = try args.int("leakage_bins") }
        options.leakage.minimumStokesISNR = try args.double("leakage_snr", default: options.leakage.minimumStokesISNR)
        return options
    }

    /// The components' field holding the RM results: the `results` param, else the one the
    /// RM results' manifest records (rm_outputs_1d for one that records none). A param or
    /// database that disagrees with the manifest is an error rather than a catalogue of
    /// other results.
    static func resultsField(_ args: BuiltinArguments) throws -> String {
        let param = args.values["results"]
        var found: (field: String, manifest: String)?
        // A field's RM results manifest, or a region's (one per island): all must agree.
        for manifest in try args.inputPaths("rmclean") {
            let rows = try ManifestTable(manifest).rows(requiring: [])
            let recorded = rows.first?["results"]
            if let param, let recorded, param != recorded {
                throw BuiltinRuleError.failed("catalogue: param results is '\(param)' but \(manifest) records its results in '\(recorded)'")
            }
            if let database = rows.first?["database"], database != PipelineStoreAccess.recordedURL(args) {
                throw BuiltinRuleError.failed("catalogue: param database is '\(PipelineStoreAccess.recordedURL(args))' but \(manifest) records its results in '\(database)'")
            }
            if let recorded {
                if let found, found.field != recorded {
                    throw BuiltinRuleError.failed("catalogue: \(found.manifest) records its results in '\(found.field)' but \(manifest) in '\(recorded)'")
                }
                found = (recorded, manifest)
            }
        }
        return param ?? found?.field ?? CommonSignature.rmResults
    }
}

/// `rule survey_catalogue`: every field catalogue of every epoch in one table (each row keeps
/// the flags of its field), as VOTable and FITS. Inputs: `fields` (the field catalogues).
public struct SurveyCatalogueRule: BuiltinRule {
    public init() {}

    public func run(arguments: [String: String], outputs: [String], log: TaskLog) throws {
        let args = BuiltinArguments(arguments, kind: "survey_catalogue")
        let fits = try args.inputPaths("fields").filter { $0.hasSuffix(".fits") }.sorted()
        var parts: [PolarisationCatalogue] = []
        for path in fits {
            do { parts.append(try PolarisationCatalogue.readFITS(path)) } catch {
                throw BuiltinRuleError.failed("cannot read field catalogue \(path): \(error)")
            }
        }
        do {
            let survey = try PolarisationCatalogue.survey(parts)
            try survey.writeVOTable(to: try args.outputPath("votable"))
            try survey.writeFITS(to: try args.outputPath("fits"))
            log.write("\(survey.rowCount) rows from \(fits.count) field catalogues")
        } catch let e as BuiltinRuleError {
            throw e
        } catch {
            throw BuiltinRuleError.failed("survey catalogue: \(error)")
        }
    }
}
