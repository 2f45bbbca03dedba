import Astro
import Foundation
import Graph
import Store

/// `rule rmclean` (stage 5), one field of one epoch: Hogbom RM-CLEAN of every component
/// that RM synthesis analysed, as RM-Tools' rmclean1d (cutoff -8 x dFDFth, gain 0.1),
/// writing `<Gaussian_ID>_FDFclean.dat`, `_FDFmodel.dat`, `_RMclean.dat` and
/// `_RMclean.json`, and adding `rmclean1d` and `rmclean_summary` to the component's
/// `rm_outputs_1d` element. The FDF is synthesised again from the spectrum (0.4 ms) with
/// the synthesis settings, which must be the rmsynth product's.
/// Manifest: `gaussian_id source_id status reason summary digest inputs`.
///
/// Inputs: `rmsynth`. Params: the synthesis params, `cutoff`, `gain`, `max_iter`, `database`.
public struct RMCleanRule: BuiltinRule {
    public init() {}

    public func run(arguments: [String: String], outputs: [String], log: TaskLog) throws {
        let args = BuiltinArguments(arguments, kind: "rmclean")
        let field = try args.key("field")
        guard let epoch = Int(try args.key("epoch")) else { throw BuiltinRuleError.failed("rmclean: epoch is not an integer") }
        let rows = try ManifestTable(try args.inputPath("rmsynth")).rows(requiring: ["gaussian_id", "source_id", "spectrum", "status", "digest"])
        let synthesiser = RMSynthesiser(settings: try args.synthesisSettings())
        let clean = try args.cleanSettings()
        let db = try PipelineStoreAccess.pipeline(args)
        var reuse = UnitReuse(manifest: try args.manifestFinalPath(), keyColumns: ["gaussian_id"], fileColumns: ["summary"])
        let settings = args.faradaySettingsText()

        var manifest = "gaussian_id\tsource_id\tstatus\treason\tsummary\tdigest\tinputs\n"
        var failed = 0
        for r in rows {
            let gid = r["gaussian_id"]!
            guard r["status"] == "ok" else {
                manifest += [gid, r["source_id"]!, "skipped", "RM synthesis failed", "", "", ""].joined(separator: "\t") + "\n"
                continue
            }
            let inputs = UnitReuse.inputs([settings, r["digest"]!])
            if let old = reuse.previous([gid], inputs: inputs) {
                manifest += [gid, r["source_id"]!, old["status"]!, old["reason"]!, old["summary"]!, old["digest"]!, inputs]
                    .joined(separator: "\t") + "\n"
                continue
            }
            let spectrumPath = r["spectrum"]!
            let prefix = String(spectrumPath.dropLast(spectrumPath.hasSuffix(".dat") ? 4 : 0))
            do {
                _ = try synthesiser.synthesise(try SpectrumFile.read(spectrumPath))
                let result = try synthesiser.clean(clean)
                guard let products = synthesiser.cleanProducts else { throw BuiltinRuleError.failed("no CLEAN products") }
                let files = try RMSynthesisFiles.write(prefix: prefix, clean: result, products: products)
                let summary = prefix + "_RMclean.json"
                try RMOutputsRecord.update(db, epoch: epoch, gaussianID: gid, field: field) { e in
                    e.set("rmclean1d", .bool(true))
                    e.set("rm1dfiles.FDF_clean", .string(files[0]))
                    e.set("rm1dfiles.FDF_model", .string(files[1]))
                    e.set("rm1dfiles.clean_json", .string(files[3]))
                    e.set("rmclean_summary", .document(RMOutputsRecord.document(result.fields)))
                }
                manifest += [gid, r["source_id"]!, "ok", "", summary, try ContentDigest.of([summary]), inputs].joined(separator: "\t") + "\n"
            } catch let e as StoreError {
                throw e
            } catch {
                let reason = RMSynthRule.oneLine("\(error)")
                log.write("\(gid): \(reason)")
                try RMOutputsRecord.update(db, epoch: epoch, gaussianID: gid, field: field) { e in
                    e.set("rmclean1d", .bool(false))
                    e.set("rmclean_error", .string(reason))
                }
                manifest += [gid, r["source_id"]!, "failed", reason, "", "", inputs].joined(separator: "\t") + "\n"
                failed += 1
            }
        }
        try AtomicTextFile.write(manifest, to: try args.manifestPath())
        log.write("\(field): \(rows.count) components, \(failed) CLEAN failures, \(reuse.reused) unchanged")
    }
}
