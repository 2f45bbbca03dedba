import Language
import Astro
import Foundation
import Graph
import Store

/// `rule rmsynth` (stage 4), one field of one epoch: RM synthesis of every component's
/// spectrum as RM-Tools' rmsynth1d with the product's settings, writing
/// `<Gaussian_ID>_FDFdirty.dat`, `_RMSF.dat`, `_weight.dat`, `_RMsynth.dat` and
/// `_RMsynth.json` beside the spectrum (or under `<directory>/<FIELD>/`), and storing the
/// summary as the component's element for the field of `components.<results>` (the
/// original's `rm_outputs_1d` by default), with the spectrum's band-averaged noise and
/// background added as the original adds them (`dIFullBand`, `bIFullBand`, ...; from the
/// `_bkg.dat` its input row names), and, when the row names a Stokes V spectrum
/// (`v_spectrum`), V's band average and noise over the same channels (`VFullBand`, `dV`,
/// `dVFullBand`). A spectrum that cannot be analysed (all NaN, too
/// few channels, a corrupt file) is a recorded failure of that component, with its reason,
/// not of the product. Manifest: `gaussian_id source_id spectrum status reason summary
/// digest inputs settings database results`: the last three tell rmclean how the FDF was
/// made and where the results are. Params and inputs: `RMSynthRule.signature`.
public struct RMSynthRule: BuiltinRule {
    public init() {}

    public func run(arguments: [String: String], outputs: [String], log: TaskLog) throws {
        let args = BuiltinArguments(arguments, kind: "rmsynth")
        let field = try args.key("field")
        guard let epoch = Int(try args.key("epoch")) else { throw BuiltinRuleError.failed("rmsynth: epoch is not an integer") }
        let rows = try ManifestTable(try args.inputPath("spectra")).rows(requiring: ["gaussian_id", "source_id", "spectrum", "digest"])
        let synthesisSettings = try args.synthesisSettings()
        let synthesiser = RMSynthesiser(settings: synthesisSettings)
        let db = try PipelineStoreAccess.pipeline(args)
        var reuse = UnitReuse(manifest: try args.manifestFinalPath(), keyColumns: ["gaussian_id"], fileColumns: ["summary"])
        let directory = args.values["directory"]
        let results = args.string("results", default: CommonSignature.rmResults)
        let database = PipelineStoreAccess.recordedURL(args)
        let settingsText = SynthesisSettingsText.encode(synthesisSettings)
        // What every unit's files and results depend on besides its spectrum.
        let settings = [settingsText, "directory=\(directory ?? "")", "results=\(results)", "database=\(database)"]
            .joined(separator: " ")
        let location = [settingsText, database, results].joined(separator: "\t")
        if let directory {
            do { try FileManager.default.createDirectory(atPath: directory + "/" + field, withIntermediateDirectories: true) } catch {
                throw BuiltinRuleError.failed("cannot create \(directory)/\(field): \(error.localizedDescription)")
            }
        }

        var manifest = "gaussian_id\tsource_id\tspectrum\tstatus\treason\tsummary\tdigest\tinputs\tsettings\tdatabase\tresults\n"
        var failed = 0
        for r in rows {
            let gid = r["gaussian_id"]!, spectrumPath = r["spectrum"]!
            // The background file is read for the band noise: a frion row's digest does not cover it.
            let background = r["background"] ?? ""
            let backgroundDigest: String
            do { backgroundDigest = try ContentDigest.of([background]) } catch { backgroundDigest = "unreadable" }
            // And the V spectrum, when there is one (no V: the inputs of a build before V existed).
            var circularDigest: [String] = []
            if let v = r["v_spectrum"], !v.isEmpty {
                do { circularDigest = [try ContentDigest.of([v])] } catch { circularDigest = ["unreadable"] }
            }
            let inputs = UnitReuse.inputs([settings, r["digest"]!, backgroundDigest] + circularDigest)
            if let old = reuse.previous([gid], inputs: inputs) {
                manifest += [gid, r["source_id"]!, spectrumPath, old["status"]!, old["reason"]!, old["summary"]!, old["digest"]!, inputs,
                             location].joined(separator: "\t") + "\n"
                if old["status"] != "ok" { failed += 1 }
                continue
            }
            let prefix = directory.map { "\($0)/\(field)/\(gid)" }
                ?? String(spectrumPath.dropLast(spectrumPath.hasSuffix(".dat") ? 4 : 0))
            do {
                let spectrum = try SpectrumFile.read(spectrumPath)
                let result = try synthesiser.synthesise(spectrum)
                let noise = try Self.bandNoise(of: spectrum, row: r)
                guard let products = synthesiser.synthesisProducts else { throw BuiltinRuleError.failed("no synthesis products") }
                let files = try RMSynthesisFiles.write(prefix: prefix, result: result, products: products)
                let summary = prefix + "_RMsynth.json"
                try RMOutputsRecord.update(db, results: results, epoch: epoch, gaussianID: gid, field: field) { e in
                    e.set("rmsynth1d", .bool(true))
                    e.set("rm1dfiles", .document(Document([
                        ("FDF_dirty", .string(files[0])), ("RMSF", .string(files[1])), ("weights", .string(files[2])),
                        ("summary_dat", .string(files[3])), ("summary_json", .string(files[4])), ("spectrum", .string(spectrumPath)),
                    ])))
                    let noiseFields = noise?.summaryFields.map { ($0.0, FaradayValue.number($0.1)) } ?? []
                    e.set("rmsynth_summary", .document(RMOutputsRecord.document(result.fields + noiseFields)))
                    e.set("error", .null)
                    Self.recordIonosphere(r, in: &e)
                }
                manifest += [gid, r["source_id"]!, spectrumPath, "ok", "", summary, try ContentDigest.of([summary]), inputs, location]
                    .joined(separator: "\t") + "\n"
            } catch let e as StoreError {
                throw e   // the database is gone: that fails the product, not the component
            } catch {
                let reason = Self.oneLine("\(error)")
                log.write("\(gid): \(reason)")
                try RMOutputsRecord.update(db, results: results, epoch: epoch, gaussianID: gid, field: field) { e in
                    e.set("rmsynth1d", .bool(false))
                    e.set("error", .string(reason))
                    Self.recordIonosphere(r, in: &e)
                }
                manifest += [gid, r["source_id"]!, spectrumPath, "failed", reason, "", "", inputs, location]
                    .joined(separator: "\t") + "\n"
                failed += 1
            }
        }
        try AtomicTextFile.write(manifest, to: try args.manifestPath())
        log.write("\(field): \(rows.count) spectra, \(failed) failed, \(reuse.reused) unchanged")
    }

    /// The band-averaged noise and background of a row's spectrum (the original's
    /// `d<S>FullBand`, `b<S>FullBand`), with its `_bkg.dat` (`background` column) corrected
    /// like the spectrum when a `frion` row names the modulation it applied, and Stokes V's
    /// band average when the row names a `_v.dat` (`v_spectrum` column).
    static func bandNoise(of spectrum: Spectrum, row: [String: String]) throws -> BandNoise? {
        let background = try row["background"].flatMap { $0.isEmpty ? nil : try SpectrumFile.read($0) }
        let circular = try row["v_spectrum"].flatMap { $0.isEmpty ? nil : try CircularSpectrumFile.read($0) }
        guard let modulation = row["modulation"], !modulation.isEmpty else {
            return BandNoise(spectrum: spectrum, background: background, circular: circular)
        }
        return try BandNoise(corrected: spectrum, background: background, circular: circular,
                             theta: try ModulationFile.read(modulation).theta)
    }

    /// Whether the spectrum was corrected for the ionosphere: a `frion` manifest's rows carry
    /// `rm_ion`, the RM it removed. The catalogue's `ionosphere` and `rm_ion` columns say so
    /// per row.
    static func recordIonosphere(_ row: [String: String], in e: inout Document) {
        if let text = row["rm_ion"], let rm = Double(text), rm.isFinite {
            e.set("ionosphere", .string("FRion"))
            e.set("rm_ion", .double(rm))
        } else {
            e.set("ionosphere", .string("None"))
            e.set("rm_ion", .null)
        }
    }

    /// A reason fit for one TSV cell.
    static func oneLine(_ s: String) -> String {
        String(s.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}
