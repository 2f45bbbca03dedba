import Foundation
import XCTest

/// Issue 26: the bundled example (`scripts/example.sh`) shows the science. Its survey, simulated
/// with the options the script passes, is built with the root Arrakisfile; the catalogue must
/// have at least 20 rows with snr_polint > 10, and at least 95% of them must be within
/// 3 rm_err of the RM injected (truth.csv).
final class ExampleSurveyScienceTests: XCTestCase {
    /// The `survey_options=(...)` of scripts/example.sh, word by word.
    static func exampleSurveyOptions() throws -> [String] {
        let script = try read(repositoryRoot + "/scripts/example.sh")
        let prefix = "survey_options=("
        guard let line = script.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }),
              line.hasSuffix(")") else {
            throw XCTSkip("scripts/example.sh has no `\(prefix)...)` line")
        }
        return line.dropFirst(prefix.count).dropLast().split(separator: " ").map(String.init)
    }

    func testTheExampleSurveysBrightComponentsRecoverTheInjectedRM() throws {
        let options = try Self.exampleSurveyOptions()
        XCTAssertTrue(options.contains("--channel-noise") && options.contains("--min-flux"), "\(options)")
        let dir = try scratchDirectory(self)
        let sim = try arrakis(["simulate", "survey"] + options, in: dir)
        XCTAssertEqual(sim.status, 0, sim.stderr)
        try FileManager.default.copyItem(atPath: repositoryRoot + "/Arrakisfile", toPath: dir + "/Arrakisfile")
        let build = try arrakis(["build", "-j", "2", "--progress", "plain"], in: dir,
                                environment: ["ARRAKIS_SURVEY": "survey", "ARRAKIS_DATABASE": "sqlite:work/pipeline.db"])
        XCTAssertEqual(build.status, 0, build.stderr)

        let catalogue = try CatalogueColumns(dir + "/work/catalogue.fits")
        let truth = try SimulatedTruth(survey: dir + "/survey")
        let ids = try catalogue.texts("cat_id"), snr = try catalogue.reals("snr_polint")
        let rm = try catalogue.reals("rm"), rmErr = try catalogue.reals("rm_err")
        var bright = 0, within = 0
        var misses: [String] = []
        for k in 0..<catalogue.rowCount where snr[k] > 10 {
            guard let injected = truth.rm[ids[k]] else { XCTFail("row \(ids[k]) has no truth component"); continue }
            bright += 1
            if abs(rm[k] - injected) < 3 * rmErr[k] {
                within += 1
            } else {
                misses.append("\(ids[k]): snr_polint \(snr[k]), rm \(rm[k]) +- \(rmErr[k]), injected \(injected)")
            }
        }
        XCTAssertGreaterThanOrEqual(bright, 20, "rows with snr_polint > 10 in the example's catalogue")
        XCTAssertGreaterThanOrEqual(Double(within), 0.95 * Double(bright), misses.joined(separator: "\n"))
        print("example survey (\(options.joined(separator: " "))): \(catalogue.rowCount) rows, \(bright) with snr_polint > 10, \(within) within 3 rm_err of the injected RM")
    }
}
