import Language
import Astro
import Foundation
import Graph
import Store

/// `rule frion` (stage 3 of the original), one field of one epoch: removes the ionosphere's
/// Faraday rotation from every component's spectrum. Per island, RM_ion(t) toward the
/// island's position over the field's scan (SCAN_START, SCAN_TINT from the pipeline
/// database) from the IONEX maps of the scan's days and the World Magnetic Model; theta per
/// channel, FRion's time average of exp(2i lambda^2 RM_ion(t)); and P / theta.
///
/// Writes beside each spectrum `<Gaussian_ID>.ion.dat` (the corrected spectrum, same
/// columns) and per island `<Source_ID>_ion.txt` (freq, Re theta, Im theta); stores the
/// prediction as the island's element for the field of `islands.<results>` (`frion`):
/// `times` (MJD s), `RMs`, `elevations`, `theta_real`, `theta_imag`, `freq`, `RM_ion_mean`,
/// `ionex`. Manifest: the spectra manifest's columns with the corrected spectra, plus
/// `rm_ion` (the time-averaged RM_ion removed), `modulation` (the island's `_ion.txt`) and
/// `uncorrected`, and the spectra's `v_spectrum` last when they have Stokes V (which the
/// ionosphere does not rotate: passed on as it is): an `rmsynth` product reads it as it
/// reads a `spectra` manifest. The IONEX
/// files it read go to its depfile, so replacing a day's maps rebuilds exactly the fields
/// observed on that day.
public struct FrionRule: BuiltinRule {
    public init() {}

    public func run(arguments: [String: String], outputs: [String], log: TaskLog) throws {
        let args = BuiltinArguments(arguments, kind: "frion")
        let table = try FieldTable.read(try args.inputPath("table"))
        let rows = try ManifestTable(try args.inputPath("spectra"))
            .rows(requiring: ["gaussian_id", "source_id", "spectrum", "digest"])
        let settings = try FrionSettings(args)
        let db = try PipelineStoreAccess.pipeline(args)
        let scans = try ScanTimes(table: table, db: db)
        let library = IONEXLibrary(directory: settings.directory)
        let predictor = IonospherePredictor(model: settings.model, library: library)
        let results = args.string("results", default: FrionSignature.results)
        let depfile = try args.string("depfile")

        var byIsland: [String: [[String: String]]] = [:]
        var order: [String] = []
        for r in rows {
            let sid = r["source_id"]!
            if byIsland[sid] == nil { order.append(sid) }
            byIsland[sid, default: []].append(r)
        }
        // Stokes V spectra (a `spectra` product with stokes = "IQUV") are passed on, uncorrected.
        let withV = rows.contains { $0["v_spectrum"] != nil }
        func circular(_ row: [String: String]) -> String { withV ? "\t" + (row["v_spectrum"] ?? "") : "" }
        var manifest = "gaussian_id\tsource_id\tspectrum\tbackground\tflagged\tdigest\tinputs\trm_ion\tmodulation\tuncorrected"
            + (withV ? "\tv_spectrum\n" : "\n")
        var reuse = UnitReuse(manifest: try args.manifestFinalPath(), keyColumns: ["gaussian_id"], fileColumns: ["spectrum", "modulation"])
        var failures: [String] = []
        var weakest = (magnitude: 1.0, island: "")
        var rmRange = (low: Double.infinity, high: -Double.infinity)
        var done = 0
        for sid in order {
            let components = byIsland[sid]!
            do {
                let position = try Self.position(of: sid, epoch: table.epoch, in: db)
                let first = try SpectrumFile.read(components[0]["spectrum"]!)
                var ionosphere = try IslandIonosphere(table: table, island: sid, position: position, scans: scans, db: db,
                                                      predictor: predictor, weighting: settings.weighting)
                // One modulation per island, on its spectra's channels.
                let theta = try ionosphere.modulation(frequencies: first.frequency)
                let prediction = ionosphere.prediction
                let meanRM = ionosphere.meanRM
                rmRange = (min(rmRange.low, meanRM), max(rmRange.high, meanRM))
                if let m = theta.map(\.magnitude).min(), m < weakest.magnitude { weakest = (m, sid) }
                let directory = (components[0]["spectrum"]! as NSString).deletingLastPathComponent
                let modulationPath = directory + "/" + sid + "_ion.txt"
                let modulationText = IonosphericCorrection.modulationText(frequencies: first.frequency, theta: theta)
                let thetaDigest = Digest(modulationText).description
                for c in components {
                    let gid = c["gaussian_id"]!, original = c["spectrum"]!
                    let unitInputs = UnitReuse.inputs([settings.text, thetaDigest, c["digest"]!])
                    let rmText = String(meanRM)
                    if let old = reuse.previous([gid], inputs: unitInputs) {
                        manifest += [gid, sid, old["spectrum"]!, c["background"] ?? "", c["flagged"] ?? "0", old["digest"]!,
                                     unitInputs, rmText, modulationPath, original].joined(separator: "\t") + circular(c) + "\n"
                        continue
                    }
                    if !FileManager.default.fileExists(atPath: modulationPath)
                        || (try? String(contentsOfFile: modulationPath, encoding: .utf8)) != modulationText {
                        try AtomicTextFile.write(modulationText, to: modulationPath)
                    }
                    let spectrum = gid == components[0]["gaussian_id"] ? first : try SpectrumFile.read(original)
                    let channelTheta = spectrum.frequency == first.frequency ? theta : try ionosphere.modulation(frequencies: spectrum.frequency)
                    let corrected = try IonosphericCorrection.apply(channelTheta, to: spectrum)
                    let path = String(original.dropLast(original.hasSuffix(".dat") ? 4 : 0)) + ".ion.dat"
                    try SpectrumFile.write(corrected, to: path)
                    manifest += [gid, sid, path, c["background"] ?? "", c["flagged"] ?? "0",
                                 try ContentDigest.of([path, modulationPath]), unitInputs, rmText, modulationPath, original]
                        .joined(separator: "\t") + circular(c) + "\n"
                }
                try FieldElementRecord.update(db, .islands, epoch: table.epoch, key: ("Source_ID", sid), path: results,
                                              field: table.field) { e in
                    e.set("times", .array(prediction.times.map { .double($0) }))
                    e.set("RMs", .array(prediction.rm.map { .double($0) }))
                    e.set("elevations", .array(prediction.elevation.map { .double($0) }))
                    e.set("freq", .array(first.frequency.map { .double($0) }))
                    e.set("theta_real", .array(theta.map { .double($0.re) }))
                    e.set("theta_imag", .array(theta.map { .double($0.im) }))
                    e.set("RM_ion_mean", .double(meanRM))
                    e.set("ionex", .array(library.filesRead.map { .string($0) }))
                    e.set("settings", .string(settings.text))
                    if ionosphere.fields.count > 1 || table.isRegion {
                        e.set("fields", .array(ionosphere.fields.map { f in
                            .document(Document([("field", .string(f.field)), ("RM_ion_mean", .double(f.meanRM)),
                                                ("weight", .double(f.weight))]))
                        }))
                    }
                }
                done += 1
            } catch let e as StoreError {
                throw e   // the database is gone: that fails the product, not the island
            } catch let e as IONEXError {
                throw BuiltinRuleError.failed("field \(table.field) (epoch \(table.epoch)): \(e)")
            } catch {
                failures.append("\(sid): \(error)")
            }
        }
        // Written before the manifest (the engine reads it only after a success), and only
        // when it changes, so an unchanged list keeps its timestamp.
        let inputsText = library.filesRead.map { $0 + "\n" }.joined()
        if (try? String(contentsOfFile: depfile, encoding: .utf8)) != inputsText {
            try AtomicTextFile.write(inputsText, to: depfile)
        }
        if !failures.isEmpty {
            throw BuiltinRuleError.failed("field \(table.field) (epoch \(table.epoch)): \(failures.count) island(s) could not be corrected:\n"
                + failures.prefix(20).map { "  " + $0 }.joined(separator: "\n") + (failures.count > 20 ? "\n  ..." : ""))
        }
        try AtomicTextFile.write(manifest, to: try args.manifestPath())
        if done > 0 {
            log.write(String(format: "%@: %d islands, mean RM_ion %.3f to %.3f rad/m^2; IONEX: %@", table.field, done,
                             rmRange.low, rmRange.high, library.filesRead.joined(separator: ", ")))
        }
        if weakest.magnitude < 0.1 {
            log.write(String(format: "warning: %@: the ionosphere depolarises by up to %.0f%% (|theta| = %.3f); its corrected channels are unreliable",
                             weakest.island, 100 * (1 - weakest.magnitude), weakest.magnitude))
        }
    }

    /// A field's scan: SCAN_START (MJD s) and SCAN_TINT (s) from the pipeline database.
    static func scan(databaseName: String, sbid: Int, epoch: Int, in db: PipelineDatabase) throws -> (start: Double, duration: Double) {
        let row = try db.find(.fields, epoch: epoch,
                              Filter([("FIELD_NAME", .string(databaseName)), ("SBID", .int(Int64(sbid)))])).first
        guard let row else {
            throw BuiltinRuleError.failed("field \(databaseName) (SBID \(sbid)) is not in the pipeline database's fields (epoch \(epoch)); run sources")
        }
        guard let start = row["SCAN_START"]?.double, start.isFinite, start > 0 else {
            throw BuiltinRuleError.failed("field \(databaseName) (SBID \(sbid), epoch \(epoch)): no usable SCAN_START in the pipeline database (found \(row["SCAN_START"].map { "\($0)" } ?? "none"))")
        }
        guard let duration = row["SCAN_TINT"]?.double, duration.isFinite, duration >= 0 else {
            throw BuiltinRuleError.failed("field \(databaseName) (SBID \(sbid), epoch \(epoch)): no usable SCAN_TINT in the pipeline database (found \(row["SCAN_TINT"].map { "\($0)" } ?? "none"))")
        }
        return (start, duration)
    }

    /// The island's position (RA, Dec in degrees) from the islands collection.
    static func position(of sourceID: String, epoch: Int, in db: PipelineDatabase) throws -> (ra: Double, dec: Double) {
        guard let doc = try db.find(.islands, epoch: epoch, Filter([("Source_ID", .string(sourceID))])).first else {
            throw BuiltinRuleError.failed("island \(sourceID) is not in the pipeline database (epoch \(epoch)); run sources")
        }
        guard let ra = doc["RA"]?.double, let dec = doc["Dec"]?.double else {
            throw BuiltinRuleError.failed("island \(sourceID) has no RA/Dec in the pipeline database (epoch \(epoch))")
        }
        return (ra, dec)
    }
}

/// A frion product's params, read and checked.
struct FrionSettings {
    var model = IonosphereModel()
    /// How a region's island weighs each field's modulation (its mosaics' LINMOS weights).
    var weighting = LinmosWeight()
    var directory: IONEXDirectory
    /// What every unit's result depends on besides its spectrum and theta.
    var text: String

    init(_ args: BuiltinArguments) throws {
        model.shellHeight = try args.double("shell_height", default: 450) * 1000
        model.timestep = try args.double("timestep", default: 300)
        let interpolation = args.string("interpolation", default: "linear")
        guard let mode = IONEXMaps.TimeInterpolation(rawValue: interpolation) else {
            throw BuiltinRuleError.badArgument(kind: "frion", name: "interpolation", value: interpolation, expected: "linear or rotated")
        }
        model.interpolation = mode
        let elevation = args.string("elevation_model", default: "rigorous")
        guard let elevationModel = IonosphereModel.ElevationModel(rawValue: elevation) else {
            throw BuiltinRuleError.badArgument(kind: "frion", name: "elevation_model", value: elevation, expected: "rigorous or pyephem")
        }
        model.elevationModel = elevationModel
        let askap = GeodeticPosition.askap
        model.site = GeodeticPosition(latitude: try args.double("site_latitude", default: askap.latitude),
                                      longitude: try args.double("site_longitude", default: askap.longitude),
                                      height: try args.double("site_height", default: askap.height))
        let prefix = args.string("ionex_prefix", default: "codg")
        let url = args.values["ionex_url"]
        let timeout = try args.double("download_timeout", default: 60)
        let retries = Int(try args.double("download_retries", default: 3))
        directory = IONEXDirectory(directory: try args.string("ionex"), prefix: prefix, urlTemplate: url,
                                   timeout: timeout, retries: retries)
        weighting.cutoff = try args.double("cutoff", default: weighting.cutoff)
        weighting.primaryBeam.dishDiameter = try args.double("dish_diameter", default: weighting.primaryBeam.dishDiameter)
        weighting.primaryBeam.fwhmFactor = try args.double("fwhm_factor", default: weighting.primaryBeam.fwhmFactor)
        let beamText = args.values["cutoff"] == nil && args.values["dish_diameter"] == nil && args.values["fwhm_factor"] == nil ? ""
            : " linmos=\(weighting.cutoff),\(weighting.primaryBeam.dishDiameter),\(weighting.primaryBeam.fwhmFactor)"
        text = "shell=\(model.shellHeight) step=\(model.timestep) interp=\(mode.rawValue) site=\(model.site.latitude),\(model.site.longitude),\(model.site.height)"
            + (elevationModel == .rigorous ? "" : " elevation=\(elevationModel.rawValue)") + beamText
    }
}
