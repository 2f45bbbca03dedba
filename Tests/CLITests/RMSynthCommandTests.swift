import Foundation
import XCTest

/// `arrakis rmsynth` end to end: the built binary on spectrum files.
final class RMSynthCommandTests: XCTestCase {
    /// A Faraday-thin source (RM 40 rad/m^2, p 0.1, psi0 20 deg) over 144 x 2 MHz channels,
    /// with deterministic pseudo-noise; `bad` makes Stokes I negative everywhere.
    func writeSpectrum(_ path: String, bad: Bool = false) throws {
        var text = "# freq I Q U dI dQ dU\n"
        var state: UInt64 = 12345
        func noise() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Double(state >> 11) / 9_007_199_254_740_992.0 - 0.5) * 2e-4
        }
        for k in 0..<144 {
            let f = 743.5e6 + 2e6 * Double(k)
            let i = (bad ? -0.05 : 0.05) * pow(f / 887.5e6, -0.7)
            let l2 = pow(299_792_458.0 / f, 2)
            let angle = 2 * (20 * Double.pi / 180 + 40 * l2)
            let q = 0.1 * abs(i) * cos(angle), u = 0.1 * abs(i) * sin(angle)
            text += "\(f) \(i + noise()) \(q + noise()) \(u + noise()) 1e-4 1e-4 1e-4\n"
        }
        try write(text, to: path)
    }

    func testJSONWithClean() throws {
        let dir = try scratchDirectory(self)
        try writeSpectrum(dir + "/s.dat")
        let r = try arrakis(["rmsynth", "s.dat", "--clean", "--json", "--cutoff", "-8"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "one JSON object expected: \(r.stdout)")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        for key in ["phiPeakPIfit_rm2", "dPhiPeakPIfit_rm2", "ampPeakPIfit", "ampPeakPIfitEff", "snrPIfit",
                    "polAngle0Fit_deg", "dFDFth", "dFDFcorMAD", "fwhmRMSF", "lam0Sq_m2", "freq0_Hz", "Ifreq0",
                    "fracPol", "polyCoeffs", "polyCoefferr", "IfitStat", "IfitChiSqRed", "sigmaAddC",
                    "min_freq", "max_freq", "N_channels", "median_channel_width", "dQU"] {
            XCTAssertNotNil(object[key], "missing \(key)")
        }
        let phi = try XCTUnwrap(object["phiPeakPIfit_rm2"] as? Double)
        let dPhi = try XCTUnwrap(object["dPhiPeakPIfit_rm2"] as? Double)
        XCTAssertLessThan(abs(phi - 40), 5 * dPhi + 0.5)
        XCTAssertEqual(object["N_channels"] as? Int, 144)
        XCTAssertEqual((object["polyCoeffs"] as? String)?.split(separator: ",").count, 6)
        let clean = try XCTUnwrap(object["rmclean"] as? [String: Any])
        XCTAssertGreaterThan(try XCTUnwrap(clean["nIter"] as? Int), 0)
        XCTAssertNotNil(clean["mom2CCFDF"] as? Double)
        XCTAssertNotNil(clean["cleanCutoff"] as? Double)
    }

    func testSummaryAndFiles() throws {
        let dir = try scratchDirectory(self)
        try writeSpectrum(dir + "/s.dat")
        let r = try arrakis(["rmsynth", "s.dat", "--clean", "--out-prefix", "out/s"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Peak FD"), r.stdout)
        XCTAssertTrue(r.stdout.contains("RM-CLEAN"), r.stdout)
        for suffix in ["_FDFdirty.dat", "_RMSF.dat", "_weight.dat", "_RMsynth.dat", "_RMsynth.json",
                       "_FDFclean.dat", "_FDFmodel.dat", "_RMclean.dat", "_RMclean.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/out/s" + suffix), "missing \(suffix)")
        }
        let fdf = try read(dir + "/out/s_FDFdirty.dat").split(separator: "\n")
        let rmsf = try read(dir + "/out/s_RMSF.dat").split(separator: "\n")
        XCTAssertEqual(rmsf.count, 2 * fdf.count + 1)
        XCTAssertEqual(fdf.first?.split(separator: " ").count, 3)
        XCTAssertEqual(try read(dir + "/out/s_weight.dat").split(separator: "\n").count, 144)
        let json = try JSONSerialization.jsonObject(with: Data(try read(dir + "/out/s_RMsynth.json").utf8)) as? [String: Any]
        XCTAssertNotNil(json?["phiPeakPIfit_rm2"])
        XCTAssertTrue(try read(dir + "/out/s_RMclean.dat").contains("nIter="))
    }

    func testBadSpectrumIsAnError() throws {
        let dir = try scratchDirectory(self)
        try writeSpectrum(dir + "/bad.dat", bad: true)
        let r = try arrakis(["rmsynth", "bad.dat", "--json"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("bad.dat") && r.stderr.contains("Stokes I model"), r.stderr)
        XCTAssertEqual(r.stdout, "")
    }

    func testBatchJSONLines() throws {
        let dir = try scratchDirectory(self)
        try writeSpectrum(dir + "/spectra/a.dat")
        try writeSpectrum(dir + "/spectra/b.dat")
        try writeSpectrum(dir + "/spectra/c.dat", bad: true)
        let r = try arrakis(["rmsynth", "--batch", "spectra", "--clean", "--json-lines", "-j", "2"], in: dir)
        XCTAssertEqual(r.status, 1, "a failed spectrum makes the batch exit 1")
        XCTAssertTrue(r.stderr.contains("1 of 3"), r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        let objects = try lines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(objects.map { ($0["file"] as? String).map { ($0 as NSString).lastPathComponent } }, ["a.dat", "b.dat", "c.dat"])
        XCTAssertNotNil(objects[0]["rmclean"])
        XCTAssertEqual(objects[0]["phiPeakPIfit_rm2"] as? Double, objects[1]["phiPeakPIfit_rm2"] as? Double)
        XCTAssertNotNil(objects[2]["error"] as? String)

        // A list file works the same, with paths relative to it.
        try write("a.dat\nb.dat\n", to: dir + "/spectra/list.txt")
        let l = try arrakis(["rmsynth", "--batch", "spectra/list.txt"], in: dir)
        XCTAssertEqual(l.status, 0, l.stderr)
        XCTAssertEqual(l.stdout.split(separator: "\n").count, 2)
    }

    func testOptionsAreChecked() throws {
        let dir = try scratchDirectory(self)
        try writeSpectrum(dir + "/s.dat")
        XCTAssertNotEqual(try arrakis(["rmsynth", "s.dat", "--fit-function", "cubic"], in: dir).status, 0)
        XCTAssertNotEqual(try arrakis(["rmsynth", "s.dat", "--weight", "heavy"], in: dir).status, 0)
        XCTAssertNotEqual(try arrakis(["rmsynth"], in: dir).status, 0)
        let linear = try arrakis(["rmsynth", "s.dat", "--json", "--fit-function", "linear", "--poly-order", "-3",
                                  "--weight", "uniform", "--samples", "8"], in: dir)
        XCTAssertEqual(linear.status, 0, linear.stderr)
        XCTAssertTrue(linear.stdout.contains("\"fit_function\": \"linear\""))
    }
}
