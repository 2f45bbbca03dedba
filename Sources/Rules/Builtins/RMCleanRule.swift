import Language
import Astro
import Foundation
import Graph
import Store

/// `rule rmclean` (stage 5), one field of one epoch: Hogbom RM-CLEAN of every component
/// that RM synthesis analysed, as RM-Tools' rmclean1d (cutoff -8 x dFDFth, gain 0.1),
/// writing `<Gaussian_ID>_FDFclean.dat`, `_FDFmodel.dat`, `_RMclean.dat` and
/// `_RMclean.json` beside the RM synthesis files, and adding `rmclean1d` and
/// `rmclean_summary` to the component's element in the rmsynth's results field. The FDF is
/// synthesised again from the spectrum (0.4 ms) with the settings the rmsynth manifest
/// records, in the database it names, so the two can never disagree.
/// Manifest: `gaussian_id source_id status reason summary digest inputs database results`.
/// Params and inputs: `RMCleanRule.signature`.
public struct RMCleanRule: BuiltinRule {
    public init() {}

    public func run(arguments: [String: String], outputs: [String], log: TaskLog) throws {
        let args = BuiltinArguments(arguments, kind: "rmclean")
        let field = try args.key("field")
        guard let epoch = Int(try args.key("epoch")) else { throw BuiltinRuleError.failed("rmclean: epoch is not an integer") }
        let synthesis = try args.inputPath("rmsynth")
        let rows = try ManifestTable(synthesis).rows(requiring: ["gaussian_id", "source_id", "spectrum", "status", "summary", "digest",
                                                                 "settings", "database", "results"])
        let clean = try args.cleanSettings()
        var reuse = UnitReuse(manifest: try args.manifestFinalPath(), keyColumns: ["gaussian_id"], fileColumns: ["summary"])
        // One rmsynth product writes one settings line, database and results field.
        let first = rows.first ?? [:]
        let settingsText = first["settings"] ?? "", database = first["database"] ?? "", results = first["results"] ?? ""
        guard rows.allSatisfy({ $0["settings"] == settingsText && $0["database"] == database && $0["results"] == results }) else {
            throw BuiltinRuleError.failed("\(synthesis): its rows record different settings, databases or results fields")
        }
        guard rows.isEmpty || SynthesisSettingsText.decode(settingsText) != nil else {
            throw BuiltinRuleError.failed("\(synthesis): cannot read the RM synthesis settings '\(settingsText)'")
        }
        let synthesiser = RMSynthesiser(settings: SynthesisSettingsText.decode(settingsText) ?? .pipeline)
        let db = try rows.isEmpty ? nil : PipelineStoreAccess.pipeline(url: database)
        let settings = settingsText + " " + clean.text
        let location = database + "\t" + results

        var manifest = "gaussian_id\tsource_id\tstatus\treason\tsummary\tdigest\tinputs\tdatabase\tresults\n"
        var failed = 0
        for r in rows {
            let gid = r["gaussian_id"]!
            guard r["status"] == "ok" else {
                manifest += [gid, r["source_id"]!, "skipped", "RM synthesis failed", "", "", "", location].joined(separator: "\t") + "\n"
                continue
            }
            let inputs = UnitReuse.inputs([settings, location, r["summary"]!, r["digest"]!])
            if let old = reuse.previous([gid], inputs: inputs) {
                manifest += [gid, r["source_id"]!, old["status"]!, old["reason"]!, old["summary"]!, old["digest"]!, inputs, location]
                    .joined(separator: "\t") + "\n"
                continue
            }
            let spectrumPath = r["spectrum"]!, synthesisSummary = r["summary"]!
            guard synthesisSummary.hasSuffix("_RMsynth.json") else {
                throw BuiltinRuleError.failed("\(synthesis): \(gid)'s summary '\(synthesisSummary)' is not an _RMsynth.json file")
            }
            let prefix = String(synthesisSummary.dropLast("_RMsynth.json".count))
            do {
                _ = try synthesiser.synthesise(try SpectrumFile.read(spectrumPath))
                let result = try synthesiser.clean(clean)
                guard let products = synthesiser.cleanProducts else { throw BuiltinRuleError.failed("no CLEAN products") }
                let files = try RMSynthesisFiles.write(prefix: prefix, clean: result, products: products)
                let summary = prefix + "_RMclean.json"
                try RMOutputsRecord.update(db!, results: results, epoch: epoch, gaussianID: gid, field: field) { e in
                    e.set("rmclean1d", .bool(true))
                    e.set("rm1dfiles.FDF_clean", .string(files[0]))
                    e.set("rm1dfiles.FDF_model", .string(files[1]))
                    e.set("rm1dfiles.clean_json", .string(files[3]))
                    e.set("rmclean_summary", .document(RMOutputsRecord.document(result.fields)))
                }
                manifest += [gid, r["source_id"]!, "ok", "", summary, try ContentDigest.of([summary]), inputs, location]
                    .joined(separator: "\t") + "\n"
            } catch let e as StoreError {
                throw e
            } catch {
                let reason = RMSynthRule.oneLine("\(error)")
                log.write("\(gid): \(reason)")
                try RMOutputsRecord.update(db!, results: results, epoch: epoch, gaussianID: gid, field: field) { e in
                    e.set("rmclean1d", .bool(false))
                    e.set("rmclean_error", .string(reason))
                }
                manifest += [gid, r["source_id"]!, "failed", reason, "", "", inputs, location].joined(separator: "\t") + "\n"
                failed += 1
            }
        }
        try AtomicTextFile.write(manifest, to: try args.manifestPath())
        log.write("\(field): \(rows.count) components, \(failed) CLEAN failures, \(reuse.reused) unchanged")
    }
}
