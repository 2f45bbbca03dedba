import Language
import Astro
import Foundation
import Graph
import Store

/// `rule rmsynth3d` (stage 4, `--dimension 3d` in the original), one field of one epoch: 3-D
/// RM synthesis (RM-Tools' rmsynth3d) of every island's Q/U mosaic cubes, and with `clean`
/// RM-CLEAN of them (rmclean3d), writing RM-Tools' files under
/// `<directory>/<FIELD>/<Source_ID>_` (or beside the Q mosaic): FDF_real/im/tot_dirty,
/// RMSF_real/im/tot, RMSF_FWHM, FDF_maxPI, FDF_peakRM (and the parabola-refined
/// FDF_maxPI_fit, FDF_peakRM_fit); with CLEAN, FDF_clean_*, FDF_CC_* and CLEAN_nIter. The
/// island's element for the field of `islands.<results>` records the files (`rm3dfiles`,
/// `rmclean3dfiles`) as the original records `rm3dfiles` and `rmsynth3d: true`.
///
/// Weights: uniform, or variance from each channel's noise, the larger of Q's and U's
/// robust standard deviation (astropy's `mad_std`) over the island's pixels (the original takes
/// max(rms_Q, rms_U) per channel too, from an annulus fit). Stokes I divides Q and U only
/// with `stokes_i true` (the original passes no I). An island whose cubes cannot be
/// analysed is a recorded failure of that island, not of the product.
/// Manifest: `source_id status reason summary fdf digest inputs`.
public struct RMSynth3DRule: BuiltinRule {
    public init() {}

    public func run(arguments: [String: String], outputs: [String], log: TaskLog) throws {
        let args = BuiltinArguments(arguments, kind: "rmsynth3d")
        let field = try args.key("field")
        guard let epoch = Int(try args.key("epoch")) else { throw BuiltinRuleError.failed("rmsynth3d: epoch is not an integer") }
        let rows = try ManifestTable(try args.inputPath("mosaics")).rows(requiring: ["source_id", "stokes", "image"])
        let islands = Self.islands(rows)
        let plan = try Self.plan(args)
        let db = try PipelineStoreAccess.pipeline(args)
        var reuse = UnitReuse(manifest: try args.manifestFinalPath(), keyColumns: ["source_id"], fileColumns: ["summary", "fdf"])
        let directory = args.values["directory"]
        let results = args.string("results", default: Self.defaultResults)
        let database = PipelineStoreAccess.recordedURL(args)
        let settings = [plan.text, "directory=\(directory ?? "")", "results=\(results)", "database=\(database)"].joined(separator: " ")
        if let directory {
            do { try FileManager.default.createDirectory(atPath: directory + "/" + field, withIntermediateDirectories: true) } catch {
                throw BuiltinRuleError.failed("cannot create \(directory)/\(field): \(error.localizedDescription)")
            }
        }

        var manifest = "source_id\tstatus\treason\tsummary\tfdf\tdigest\tinputs\n"
        var failed = 0
        for island in islands {
            let cubes = [island.q, island.u] + (plan.stokesI ? [island.i ?? ""] : [])
            let cubesDigest: String
            do { cubesDigest = try ContentDigest.of(cubes) } catch { cubesDigest = "unreadable" }
            let inputs = UnitReuse.inputs([settings, cubesDigest])
            if let old = reuse.previous([island.id], inputs: inputs) {
                manifest += [island.id, old["status"]!, old["reason"]!, old["summary"]!, old["fdf"]!, old["digest"]!, inputs]
                    .joined(separator: "\t") + "\n"
                if old["status"] != "ok" { failed += 1 }
                continue
            }
            let prefix = directory.map { "\($0)/\(field)/\(island.id)_" }
                ?? ((island.q as NSString).deletingLastPathComponent + "/" + island.id + "_")
            do {
                guard !island.q.isEmpty, !island.u.isEmpty else {
                    throw BuiltinRuleError.failed("no \(island.q.isEmpty ? "Q" : "U") mosaic")
                }
                if plan.stokesI && (island.i ?? "").isEmpty { throw BuiltinRuleError.failed("no I mosaic (stokes_i is true)") }
                var synthesis = FaradayCubeSynthesis(q: island.q, u: island.u, i: plan.stokesI ? island.i : nil)
                synthesis.settings = plan.settings
                synthesis.settings.threads = 1   // islands are many and small: one core each, the executor runs several
                if plan.settings.weighting == .variance { synthesis.settings.noise = try Self.channelNoise(q: island.q, u: island.u) }
                synthesis.clean = plan.clean
                let made = try synthesis.run(prefix: prefix)
                let summary = prefix + "rmsynth3d.json"
                try Self.writeSummary(made, to: summary)
                let files = Document(made.files.map { path in
                    (key: Self.fileKey(path, prefix: prefix), value: .string(path))
                })
                try FieldElementRecord.update(db, .islands, epoch: epoch, key: ("Source_ID", island.id), path: results, field: field) { e in
                    e.set("rmsynth3d", .bool(true))
                    e.set("rm3dfiles", .document(Document(files.fields.filter { !Self.isCleanFile($0.key) })))
                    e.set("rmsynth3d_summary", .document(Document([
                        ("dPhi_radm2", .double(made.dPhi)), ("fwhmRMSF_radm2", .double(made.fwhm)),
                        ("lam0Sq_m2", .double(made.lambda0Squared)), ("nPhi", .int(Int64(made.faradayDepths))),
                        ("weightType", .string(plan.settings.weighting.rawValue)), ("stokesI", .bool(plan.stokesI)),
                    ])))
                    if plan.clean != nil {
                        e.set("rmclean3d", .bool(true))
                        e.set("rmclean3dfiles", .document(Document(files.fields.filter { Self.isCleanFile($0.key) })))
                    }
                    e.set("error", .null)
                }
                let fdf = prefix + "FDF_tot_dirty.fits"
                manifest += [island.id, "ok", "", summary, fdf, try ContentDigest.of([summary, fdf]), inputs]
                    .joined(separator: "\t") + "\n"
            } catch let e as StoreError {
                throw e   // the database is gone: that fails the product, not the island
            } catch {
                let reason = RMSynthRule.oneLine("\(error)")
                log.write("\(island.id): \(reason)")
                try FieldElementRecord.update(db, .islands, epoch: epoch, key: ("Source_ID", island.id), path: results, field: field) { e in
                    e.set("rmsynth3d", .bool(false))
                    e.set("error", .string(reason))
                }
                manifest += [island.id, "failed", reason, "", "", "", inputs].joined(separator: "\t") + "\n"
                failed += 1
            }
        }
        try AtomicTextFile.write(manifest, to: try args.manifestPath())
        log.write("\(field): \(islands.count) islands, \(failed) failed, \(reuse.reused) unchanged")
    }

    static let defaultResults = "rm_outputs_3d"

    /// One island's mosaic cubes.
    struct Island {
        var id: String
        var q = "", u = ""
        var i: String?
    }

    /// The islands of a mosaics manifest, in the order they first appear.
    static func islands(_ rows: [[String: String]]) -> [Island] {
        var order: [String] = []
        var byID: [String: Island] = [:]
        for r in rows {
            let id = r["source_id"]!
            if byID[id] == nil { order.append(id); byID[id] = Island(id: id) }
            switch r["stokes"]!.lowercased() {
            case "q": byID[id]!.q = r["image"]!
            case "u": byID[id]!.u = r["image"]!
            case "i": byID[id]!.i = r["image"]!
            default: break
            }
        }
        return order.map { byID[$0]! }
    }

    /// The settings from the product's params, and their text for the units' inputs.
    struct Plan {
        var settings = FaradayCubeSettings()
        var clean: FaradayCubeCleanSettings?
        var stokesI = false
        var text = ""
    }

    static func plan(_ args: BuiltinArguments) throws -> Plan {
        var p = Plan()
        p.settings.samplesPerFWHM = try args.double("samples", default: 5)
        if args.values["phi_max"] != nil { p.settings.phiMax = try args.double("phi_max", default: 0) }
        if args.values["dphi"] != nil { p.settings.dPhi = try args.double("dphi", default: 0) }
        let weight = args.string("weight", default: "variance")
        guard let w = RMWeighting(rawValue: weight) else {
            throw BuiltinRuleError.badArgument(kind: "rmsynth3d", name: "weight", value: weight, expected: "variance or uniform")
        }
        p.settings.weighting = w
        p.settings.maxMemoryBytes = Int(try args.double("max_memory_mb", default: 512) * 1_048_576)
        p.stokesI = try args.bool("stokes_i", default: false)
        if try args.bool("clean", default: false) { p.clean = try RMClean3DRule.settings(args) }
        p.text = ["samples=\(p.settings.samplesPerFWHM)", "phi_max=\(p.settings.phiMax.map { "\($0)" } ?? "auto")",
                  "dphi=\(p.settings.dPhi.map { "\($0)" } ?? "auto")", "weight=\(weight)", "stokes_i=\(p.stokesI)",
                  "clean=" + (p.clean.map { "\($0.cutoff),\($0.gain),\($0.maxIterations),\($0.window)" } ?? "no"),
                  "version=\(signature.version)"].joined(separator: " ")
        return p
    }

    /// Per channel, the larger of Q's and U's robust standard deviation over the cube's
    /// finite pixels (NaN for a channel with none: it gets no weight).
    static func channelNoise(q: String, u: String) throws -> [Double] {
        let qc = try FaradayCubeInput(path: q, frequencyAxisRequired: false)
        let uc = try FaradayCubeInput(path: u, frequencyAxisRequired: false)
        try uc.requireSameGrid(as: qc)
        let plane = qc.width * qc.height
        let qv = try qc.readRows(0..<qc.height), uv = try uc.readRows(0..<uc.height)
        return (0..<qc.channels).map { j in
            max(ClippedStatistics.madStandardDeviation(qv[(j * plane)..<((j + 1) * plane)].map(Double.init)),
                ClippedStatistics.madStandardDeviation(uv[(j * plane)..<((j + 1) * plane)].map(Double.init)))
        }
    }

    /// `FDF_tot_dirty` for `<prefix>FDF_tot_dirty.fits`.
    static func fileKey(_ path: String, prefix: String) -> String {
        var name = String(path.dropFirst(path.hasPrefix(prefix) ? prefix.count : 0))
        if name.hasSuffix(".fits") { name.removeLast(5) }
        return name
    }

    static func isCleanFile(_ key: String) -> Bool {
        key.hasPrefix("FDF_clean") || key.hasPrefix("FDF_CC") || key.hasPrefix("CLEAN") || key.hasPrefix("FDF_residual")
    }

    static func writeSummary(_ s: FaradayCubeSynthesis.Summary, to path: String) throws {
        let fields: [(String, String)] = [
            ("width", "\(s.width)"), ("height", "\(s.height)"), ("channels", "\(s.channels)"),
            ("faraday_depths", "\(s.faradayDepths)"), ("dphi_radm2", "\(s.dPhi)"), ("fwhm_rmsf_radm2", "\(s.fwhm)"),
            ("lambda0_sq_m2", "\(s.lambda0Squared)"),
        ]
        try writeSummary(fields, files: s.files, to: path)
    }

    /// A one-line JSON summary: the numeric `fields` as written, then the `files` array.
    static func writeSummary(_ fields: [(String, String)], files: [String], to path: String) throws {
        let list = "[" + files.map { "\"\($0.replacingOccurrences(of: "\"", with: "\\\""))\"" }.joined(separator: ", ") + "]"
        try AtomicTextFile.write("{" + (fields + [("files", list)]).map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}\n", to: path)
    }
}
