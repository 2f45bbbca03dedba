import Astro
import Foundation
import XCTest

/// Issue 21: the `frion` product on a survey simulated with `--ionosphere`.
///
/// Acceptance 2: with the product, the bright unconfused components recover the sky's RM
/// (|rm - RM_true| < 3 rm_err for at least 95% with snr_polint > 10); without it, their median
/// rm - RM_true is the injected mean RM_ion to 10%: the correction is needed, and it works. The
/// catalogue says which rows were corrected, and by how much.
final class FrionBuildTests: XCTestCase {
    /// One sparse field with low noise, observed twice (epochs 100 days apart, so at different
    /// times of day and under different TEC).
    func survey(in dir: String) throws {
        var p = SurveyParameters()
        p.seed = 21
        p.fields = 1
        p.epochs = 2
        p.beams = 4
        p.sources = 60
        p.npix = 96
        p.channels = 72
        p.channelWidth = 4e6
        p.channelNoise = 1.0e-4
        p.ionosphere = true
        try SurveySimulator(p).write(to: dir + "/survey")
    }

    static let environment = ["ARRAKIS_SURVEY": "survey", "ARRAKIS_DATABASE": "sqlite:work/pipeline.db"]

    /// The root Arrakisfile without `frion`: rmsynth on the uncorrected spectra (`--skip_frion`).
    static func withoutFrion(_ text: String) throws -> String {
        guard let start = text.range(of: "product frion {"), let end = text.range(of: "\n}\n", range: start.upperBound..<text.endIndex)
        else { throw XCTSkip("the root Arrakisfile has no frion product") }
        var out = text
        out.removeSubrange(start.lowerBound..<end.upperBound)
        return out.replacingOccurrences(of: "input spectra = frion[epoch, field]", with: "input spectra = spectra[epoch, field]")
    }

    struct Row { var id: String; var field: String; var epoch: Int; var rm, rmErr, snr: Double; var ionosphere: String; var rmIon: Double }

    func rows(_ path: String) throws -> [Row] {
        let c = try CatalogueColumns(path)
        let ids = try c.texts("cat_id"), fields = try c.texts("field"), ion = try c.texts("ionosphere"), epochs = try c.integers("field_epoch")
        let rm = try c.reals("rm"), err = try c.reals("rm_err"), snr = try c.reals("snr_polint"), rmIon = try c.reals("rm_ion")
        return (0..<c.rowCount).map {
            Row(id: ids[$0], field: fields[$0], epoch: epochs[$0] ?? -1, rm: rm[$0], rmErr: err[$0], snr: snr[$0],
                ionosphere: ion[$0], rmIon: rmIon[$0])
        }
    }

    /// truth.csv (rm, isolated) and ionosphere.csv (rm_ion per epoch, field, component).
    func truth(_ dir: String) throws -> (rm: [String: Double], isolated: Set<String>, rmIon: [String: Double]) {
        let sky = try SimulatedTruth(survey: dir + "/survey")
        XCTAssertTrue(sky.header.contains("rm_ion"), "truth.csv gains rm_ion with --ionosphere")
        var ion: [String: Double] = [:]
        for l in try read(dir + "/survey/ionosphere.csv").split(separator: "\n").dropFirst() {
            let f = l.split(separator: ",").map(String.init)
            ion["\(f[0])/\(f[1])/\(f[3])"] = Double(f[4])!
        }
        return (sky.rm, sky.isolated, ion)
    }

    func testTheCorrectionIsNeededAndWorks() throws {
        let dir = try scratchDirectory(self)
        try survey(in: dir)
        // The per-field products (the merged region's frion is RegionBuildTests').
        let root = try perFieldArrakisfile()
        try write(root, to: dir + "/Arrakisfile")
        let built = try arrakis(["build", "-j", "2", "--progress", "plain", "survey_catalogue"], in: dir, environment: Self.environment)
        XCTAssertEqual(built.status, 0, built.stderr)
        let truth = try truth(dir)
        let corrected = try rows(dir + "/work/catalogue.fits")

        var bright = 0, within = 0, misses: [String] = []
        for r in corrected {
            XCTAssertEqual(r.ionosphere, "FRion", "\(r.id): every row of this build was corrected")
            let injected = try XCTUnwrap(truth.rmIon["\(r.epoch)/\(r.field)/\(r.id)"], "\(r.id): no injected RM_ion")
            // The pipeline predicts at the island's catalogued position, the simulator at the component's.
            XCTAssertEqual(r.rmIon, injected, accuracy: 0.01 + 0.005 * abs(injected), "\(r.id): rm_ion removed vs injected")
            guard r.snr > 10, truth.isolated.contains(r.id), let sky = truth.rm[r.id] else { continue }
            bright += 1
            if abs(r.rm - sky) < 3 * r.rmErr { within += 1 } else {
                misses.append("\(r.id) epoch \(r.epoch): rm \(r.rm) +- \(r.rmErr), sky \(sky), rm_ion \(r.rmIon)")
            }
        }
        XCTAssertGreaterThanOrEqual(bright, 20, "too few bright unconfused components to test")
        XCTAssertGreaterThanOrEqual(Double(within), 0.95 * Double(bright), misses.joined(separator: "\n"))

        // The same survey without frion: the ionosphere's RM is left in.
        try write(try Self.withoutFrion(root), to: dir + "/Arrakisfile")
        let skipped = try arrakis(["build", "-j", "2", "--progress", "plain", "survey_catalogue"], in: dir, environment: Self.environment)
        XCTAssertEqual(skipped.status, 0, skipped.stderr)
        var offsets: [Double] = [], injectedRM: [Double] = [], uncorrectedWithin = 0
        for r in try rows(dir + "/work/catalogue.fits") {
            XCTAssertEqual(r.ionosphere, "None", "\(r.id): not corrected in this build")
            XCTAssertTrue(r.rmIon.isNaN, "\(r.id): rm_ion is blank when not corrected")
            guard r.snr > 10, truth.isolated.contains(r.id), let sky = truth.rm[r.id],
                  let injected = truth.rmIon["\(r.epoch)/\(r.field)/\(r.id)"] else { continue }
            offsets.append(r.rm - sky)
            injectedRM.append(injected)
            if abs(r.rm - sky) < 3 * r.rmErr { uncorrectedWithin += 1 }
        }
        let medianOffset = offsets.sorted()[offsets.count / 2]
        let meanInjected = injectedRM.reduce(0, +) / Double(injectedRM.count)
        XCTAssertGreaterThan(abs(meanInjected), 0.5, "the simulated ionosphere is strong enough to matter")
        XCTAssertEqual(medianOffset, meanInjected, accuracy: 0.1 * abs(meanInjected),
                       "without frion the RMs are off by the ionosphere's")
        XCTAssertLessThan(Double(uncorrectedWithin), 0.95 * Double(offsets.count), "without frion the RMs fail the 3-sigma test")
        print("frion: \(bright) bright unconfused components; corrected within 3 sigma: \(within); uncorrected: \(uncorrectedWithin) of \(offsets.count), "
              + "median offset \(String(format: "%.3f", medianOffset)) vs injected mean RM_ion \(String(format: "%.3f", meanInjected)) rad/m^2")
    }
}
