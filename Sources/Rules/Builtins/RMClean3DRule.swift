import Language
import Astro
import Foundation
import Graph
import Store

/// `rule rmclean3d` (stage 5 of `--dimension 3d` in the original), one field of one epoch:
/// RM-CLEAN (RM-Tools' rmclean3d) of every island's dirty FDF cubes that an `rmsynth3d`
/// product wrote, writing FDF_clean_real/im/tot, FDF_CC_real/im/tot and CLEAN_nIter under
/// `<directory>/<FIELD>/<Source_ID>_` (or beside the FDF) and recording them in the island's
/// element for the field of `islands.<results>` (`rmclean3d`, `rmclean3dfiles`). Apart from
/// the synthesis, a CLEAN setting changed re-runs CLEAN only. An island whose synthesis
/// failed, or whose files cannot be cleaned, is a recorded failure of that island.
/// Manifest: `source_id status reason summary clean digest inputs`.
public struct RMClean3DRule: BuiltinRule {
    public init() {}

    public func run(arguments: [String: String], outputs: [String], log: TaskLog) throws {
        let args = BuiltinArguments(arguments, kind: "rmclean3d")
        let field = try args.key("field")
        guard let epoch = Int(try args.key("epoch")) else { throw BuiltinRuleError.failed("rmclean3d: epoch is not an integer") }
        let rows = try ManifestTable(try args.inputPath("rmsynth3d")).rows(requiring: ["source_id", "status", "reason", "fdf", "digest", "inputs"])
        let settings = try Self.settings(args)
        let maxMemory = Int(try args.double("max_memory_mb", default: 512) * 1_048_576)
        let db = try PipelineStoreAccess.pipeline(args)
        var reuse = UnitReuse(manifest: try args.manifestFinalPath(), keyColumns: ["source_id"], fileColumns: ["summary", "clean"])
        let directory = args.values["directory"]
        let results = args.string("results", default: RMSynth3DRule.defaultResults)
        let text = ["cutoff=\(settings.cutoff)", "gain=\(settings.gain)", "max_iter=\(settings.maxIterations)", "window=\(settings.window)",
                    "directory=\(directory ?? "")", "results=\(results)", "database=\(PipelineStoreAccess.recordedURL(args))",
                    "version=\(Self.signature.version)"].joined(separator: " ")
        if let directory {
            do { try FileManager.default.createDirectory(atPath: directory + "/" + field, withIntermediateDirectories: true) } catch {
                throw BuiltinRuleError.failed("cannot create \(directory)/\(field): \(error.localizedDescription)")
            }
        }

        var manifest = "source_id\tstatus\treason\tsummary\tclean\tdigest\tinputs\n"
        var failed = 0
        for row in rows {
            let id = row["source_id"]!
            // The synthesis's own identity (its settings and cubes) and its files' digest.
            let inputs = UnitReuse.inputs([text, row["status"]!, row["digest"]!, row["inputs"]!])
            if let old = reuse.previous([id], inputs: inputs) {
                manifest += [id, old["status"]!, old["reason"]!, old["summary"]!, old["clean"]!, old["digest"]!, inputs]
                    .joined(separator: "\t") + "\n"
                if old["status"] != "ok" { failed += 1 }
                continue
            }
            let fdf = row["fdf"]!
            let synthesisPrefix = String(fdf.dropLast(fdf.hasSuffix("FDF_tot_dirty.fits") ? "FDF_tot_dirty.fits".count : 0))
            let prefix = directory.map { "\($0)/\(field)/\(id)_" } ?? synthesisPrefix
            do {
                guard row["status"] == "ok" else { throw BuiltinRuleError.failed("no dirty FDF: rmsynth3d failed (\(row["reason"]!))") }
                var cleaning = FaradayCubeCleaning(fdf: fdf, rmsf: synthesisPrefix + "RMSF_tot.fits")
                cleaning.settings = settings
                cleaning.maxMemoryBytes = maxMemory
                cleaning.threads = 1   // islands are many and small: one core each, the executor runs several
                let made = try cleaning.run(prefix: prefix)
                let summary = prefix + "rmclean3d.json"
                try Self.writeSummary(made, to: summary)
                let files = Document(made.files.map { (key: RMSynth3DRule.fileKey($0, prefix: prefix), value: .string($0)) })
                try FieldElementRecord.update(db, .islands, epoch: epoch, key: ("Source_ID", id), path: results, field: field) { e in
                    e.set("rmclean3d", .bool(true))
                    e.set("rmclean3dfiles", .document(files))
                    e.set("rmclean3d_summary", .document(Document([
                        ("cutoff", .double(settings.cutoff)), ("gain", .double(settings.gain)),
                        ("maxIter", .int(Int64(settings.maxIterations))), ("cleanedPixels", .int(Int64(made.cleanedPixels))),
                    ])))
                    e.set("rmclean3d_error", .null)
                }
                let clean = prefix + "FDF_clean_tot.fits"
                manifest += [id, "ok", "", summary, clean, try ContentDigest.of([summary, clean]), inputs].joined(separator: "\t") + "\n"
            } catch let e as StoreError {
                throw e   // the database is gone: that fails the product, not the island
            } catch {
                let reason = RMSynthRule.oneLine("\(error)")
                log.write("\(id): \(reason)")
                try FieldElementRecord.update(db, .islands, epoch: epoch, key: ("Source_ID", id), path: results, field: field) { e in
                    e.set("rmclean3d", .bool(false))
                    e.set("rmclean3d_error", .string(reason))
                }
                manifest += [id, "failed", reason, "", "", "", inputs].joined(separator: "\t") + "\n"
                failed += 1
            }
        }
        try AtomicTextFile.write(manifest, to: try args.manifestPath())
        log.write("\(field): \(rows.count) islands, \(failed) failed, \(reuse.reused) unchanged")
    }

    static func settings(_ args: BuiltinArguments) throws -> FaradayCubeCleanSettings {
        let d = FaradayCubeCleanSettings()
        return FaradayCubeCleanSettings(cutoff: try args.double("cutoff", default: d.cutoff), gain: try args.double("gain", default: d.gain),
                                        maxIterations: Int(try args.double("max_iter", default: Double(d.maxIterations))),
                                        window: args.values["window"] == nil ? nil : try args.double("window", default: .nan))
    }

    static func writeSummary(_ s: FaradayCubeCleaning.Summary, to path: String) throws {
        let fields: [(String, String)] = [
            ("width", "\(s.width)"), ("height", "\(s.height)"), ("faraday_depths", "\(s.faradayDepths)"),
            ("cleaned_pixels", "\(s.cleanedPixels)"), ("own_rmsf_pixels", "\(s.ownRMSFPixels)"),
        ]
        try RMSynth3DRule.writeSummary(fields, files: s.files, to: path)
    }
}
