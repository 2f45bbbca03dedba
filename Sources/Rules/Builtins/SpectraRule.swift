import Language
import Astro
import Foundation
import Graph

/// `rule spectra` (the extraction half of stage 4), one field of one epoch: for every
/// component, the I/Q/U spectrum at the pixel nearest its position in its island's mosaics,
/// background-subtracted, with per-channel noise and flags, written as
/// `<cutouts>/<Source_ID>/<FIELD>/<Gaussian_ID>.dat` (freq I Q U dI dQ dU) and `_bkg.dat`:
/// an island that two fields see has a mosaic, and so a spectrum, from each.
/// Manifest: `gaussian_id source_id spectrum background flagged digest inputs`; a spectrum
/// whose mosaics and position are as at the last build is kept. A component beyond the
/// field's images (an island clipped at the edge) has no spectrum from this field (logged).
///
/// With `stokes = "IQUV"` each component's V spectrum is extracted with the others (same
/// pixel, annulus and flags; V's noise flags channels like the others') and written as
/// `<Gaussian_ID>_v.dat` (freq V dV); the manifest then has a last column `v_spectrum`,
/// and each row's `digest` covers that file too. Without it nothing about V is written.
///
/// Inputs: `table`, `mosaics` (the mosaics manifest). Params: `cutouts` (directory), `stokes`.
public struct SpectraRule: BuiltinRule {
    public init() {}

    /// The extraction settings by default: units made with them keep their inputs digests.
    static let defaultSettings: String = {
        let e = SpectrumExtractor()
        return "annulus=\(e.innerRadius)-\(e.outerRadius) clip=\(e.clipSigma) flag=\(e.flagSigma)"
    }()

    public func run(arguments: [String: String], outputs: [String], log: TaskLog) throws {
        let args = BuiltinArguments(arguments, kind: "spectra")
        let table = try FieldTable.read(try args.inputPath("table"))
        let rows = try ManifestTable(try args.inputPath("mosaics")).rows(requiring: ["source_id", "stokes", "image"])
        let directory = try args.string("cutouts")
        let stokes = try StokesSelection(args)
        var mosaics: [String: String] = [:]
        var mosaicDigests: [String: String] = [:]
        for r in rows {
            mosaics[r["source_id"]! + "\t" + r["stokes"]!] = r["image"]!
            mosaicDigests[r["source_id"]! + "\t" + r["stokes"]!] = r["digest"] ?? ""
        }
        var extractor = SpectrumExtractor()
        extractor.innerRadius = try args.double("inner_radius", default: extractor.innerRadius)
        extractor.outerRadius = try args.double("outer_radius", default: extractor.outerRadius)
        extractor.clipSigma = try args.double("clip_sigma", default: extractor.clipSigma)
        extractor.flagSigma = try args.double("flag_sigma", default: extractor.flagSigma)
        guard extractor.innerRadius < extractor.outerRadius else {
            throw BuiltinRuleError.failed("rule spectra: inner_radius \(extractor.innerRadius) must be less than outer_radius \(extractor.outerRadius)")
        }
        // What every spectrum depends on besides its mosaics and position.
        let settings = "annulus=\(extractor.innerRadius)-\(extractor.outerRadius) clip=\(extractor.clipSigma) flag=\(extractor.flagSigma)"

        let withV = stokes.includesV
        var manifest = "gaussian_id\tsource_id\tspectrum\tbackground\tflagged\tdigest\tinputs" + (withV ? "\tv_spectrum\n" : "\n")
        var reuse = UnitReuse(manifest: try args.manifestFinalPath(), keyColumns: ["gaussian_id"],
                              fileColumns: ["spectrum", "background"] + (withV ? ["v_spectrum"] : []))
        var failures: [String] = []
        var outside: [String] = []
        var count = 0
        for island in table.islands {
            guard let i = mosaics[island.sourceID + "\ti"], let q = mosaics[island.sourceID + "\tq"],
                  let u = mosaics[island.sourceID + "\tu"] else {
                failures.append("\(island.sourceID): no I, Q and U mosaics"); continue
            }
            let v = mosaics[island.sourceID + "\tv"]
            if withV && v == nil {
                failures.append("\(island.sourceID): no V mosaic (give the mosaics product, and its cutouts, stokes = \"IQUV\")"); continue
            }
            // Per field: an island seen by two fields has a mosaic, so a spectrum, from each.
            let islandDir = CutoutNames.directory(cutouts: directory, sourceID: island.sourceID) + "/" + table.field
            do { try FileManager.default.createDirectory(atPath: islandDir, withIntermediateDirectories: true) } catch {
                throw BuiltinRuleError.failed("cannot create \(islandDir): \(error.localizedDescription)")
            }
            // Without V, exactly the inputs (and so the reuse) of a build before V existed.
            let mosaicState = stokes.parameters.map { mosaicDigests[island.sourceID + "\t" + $0]! }
            for c in island.components {
                let unitInputs = UnitReuse.inputs([island.sourceID, "\(c.ra) \(c.dec)"] + mosaicState + (settings == Self.defaultSettings ? [] : [settings]))
                if let old = reuse.previous([c.gaussianID], inputs: unitInputs), old["source_id"] == island.sourceID {
                    manifest += [c.gaussianID, island.sourceID, old["spectrum"]!, old["background"]!, old["flagged"] ?? "0",
                                 old["digest"]!, unitInputs].joined(separator: "\t") + (withV ? "\t" + old["v_spectrum"]! : "") + "\n"
                    count += 1
                    continue
                }
                do {
                    let e = try extractor.extract(ra: c.ra, dec: c.dec, iMosaic: i, qMosaic: q, uMosaic: u, vMosaic: withV ? v : nil)
                    let paths = try SpectrumExtractor.write(e, gaussianID: c.gaussianID, directory: islandDir)
                    let files = [paths.spectrum, paths.background] + (paths.circular.map { [$0] } ?? [])
                    manifest += "\(c.gaussianID)\t\(island.sourceID)\t\(paths.spectrum)\t\(paths.background)\t\(e.flagged.filter { $0 }.count)\t\(try ContentDigest.of(files))\t\(unitInputs)"
                        + (paths.circular.map { "\t" + $0 } ?? "") + "\n"
                    count += 1
                } catch ImagingError.outside {
                    // The island is partly beyond this field's images (its cutouts were
                    // clipped at the edge): this component has no spectrum here; the field
                    // that covers it measures it. Not a failure of the field.
                    outside.append(c.gaussianID)
                } catch {
                    failures.append("\(c.gaussianID): \(error)")
                }
            }
        }
        if !failures.isEmpty {
            throw BuiltinRuleError.failed("field \(table.field) (epoch \(table.epoch)): \(failures.count) spectr\(failures.count == 1 ? "um" : "a") failed:\n"
                + failures.prefix(20).map { "  " + $0 }.joined(separator: "\n") + (failures.count > 20 ? "\n  ..." : ""))
        }
        try AtomicTextFile.write(manifest, to: try args.manifestPath())
        if !outside.isEmpty {
            log.write("\(table.field): \(outside.count) component(s) outside the field's images, no spectrum here: "
                      + outside.prefix(20).joined(separator: ", ") + (outside.count > 20 ? ", ..." : ""))
        }
        log.write("\(table.field): \(count) spectra (\(reuse.reused) unchanged, kept)")
    }
}
