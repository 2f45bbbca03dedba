import Astro
import Foundation
import XCTest

/// Issue 6, acceptance 2: the whole pipeline (cutouts -> mosaics -> spectra -> RM synthesis ->
/// catalogue) recovers the injected Faraday rotation and fractional polarisation of a
/// simulated survey. For catalogue rows with snr_polint > 10, |rm - RM_true| < 3 rm_err and
/// |fracpol - frac_pol_true| < 3 fracpol_err for at least 95% of them.
final class RMAccuracyTests: XCTestCase {
    /// A sparse single field (so that components are rarely confused within a restoring
    /// beam) with low noise and more channels than the default, so that many components
    /// pass snr_polint > 10.
    func survey(in dir: String) throws {
        var p = SurveyParameters()
        p.seed = 11
        p.fields = 1
        p.epochs = 1
        p.beams = 4
        p.sources = 60
        p.npix = 96
        p.channels = 72
        p.channelWidth = 4e6
        p.channelNoise = 1.0e-4
        p.ionosphere = true   // the root Arrakisfile removes it (frion) before RM synthesis
        try SurveySimulator(p).write(to: dir + "/survey")
    }

    struct MissingColumn: Error { var name: String }
    struct TruthRow { var rm: Double; var fracPol: Double }

    func truth(_ path: String) throws -> [String: TruthRow] {
        let lines = try read(path).split(separator: "\n").filter { !$0.hasPrefix("#") }
        let header = lines[0].split(separator: ",").map(String.init)
        let id = header.firstIndex(of: "gaussian_id")!, rm = header.firstIndex(of: "rm")!
        let fp = header.firstIndex(of: "frac_pol")!
        var rows: [String: TruthRow] = [:]
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            rows[f[id]] = TruthRow(rm: Double(f[rm])!, fracPol: Double(f[fp])!)
        }
        return rows
    }

    func testBrightComponentsRecoverTheInjectedRMAndFractionalPolarisation() throws {
        let dir = try scratchDirectory(self)
        try survey(in: dir)
        try FileManager.default.copyItem(atPath: repositoryRoot + "/Arrakisfile", toPath: dir + "/Arrakisfile")
        let r = try arrakis(["build", "-j", "2", "--progress", "plain", "survey_catalogue"], in: dir,
                            environment: ["ARRAKIS_SURVEY": "survey", "ARRAKIS_DATABASE": "sqlite:work/pipeline.db"])
        XCTAssertEqual(r.status, 0, r.stderr)

        let catalogue = try PolarisationCatalogue.readFITS(dir + "/work/catalogue.fits")
        let injected = try truth(dir + "/survey/truth.csv")
        func reals(_ name: String) throws -> [Double] {
            guard case .real(let v)? = catalogue[column: name]?.values else { throw MissingColumn(name: name) }
            return v
        }
        guard case .text(let ids)? = catalogue[column: "cat_id"]?.values else { return XCTFail("no cat_id column") }
        let snr = try reals("snr_polint"), rm = try reals("rm"), rmErr = try reals("rm_err")
        let fp = try reals("fracpol"), fpErr = try reals("fracpol_err")
        var bright = 0, rmWithin = 0, fracWithin = 0
        var misses: [String] = []
        for k in 0..<catalogue.rowCount where snr[k] > 10 {
            let id = ids[k].trimmingCharacters(in: .whitespaces)
            guard let t = injected[id] else { XCTFail("catalogue row \(id) has no truth component"); continue }
            bright += 1
            let rmOK = abs(rm[k] - t.rm) < 3 * rmErr[k], fpOK = abs(fp[k] - t.fracPol) < 3 * fpErr[k]
            if rmOK { rmWithin += 1 }
            if fpOK { fracWithin += 1 }
            if !rmOK || !fpOK {
                misses.append("\(id): snr \(snr[k]), rm \(rm[k]) +- \(rmErr[k]) (true \(t.rm)), fracpol \(fp[k]) +- \(fpErr[k]) (true \(t.fracPol))")
            }
        }
        // Enough bright components for 95% to mean something (one miss allowed in 20).
        XCTAssertGreaterThanOrEqual(bright, 20, "too few components with snr_polint > 10 to test")
        XCTAssertGreaterThanOrEqual(Double(rmWithin), 0.95 * Double(bright), misses.joined(separator: "\n"))
        XCTAssertGreaterThanOrEqual(Double(fracWithin), 0.95 * Double(bright), misses.joined(separator: "\n"))
        print("RM accuracy: \(bright) components with snr_polint > 10; rm within 3 sigma: \(rmWithin), fracpol within 3 sigma: \(fracWithin)")
    }
}
