import Foundation
import XCTest

/// Issue 22: the Stokes I model options the CLI has are `rmsynth` rule params too. With
/// `ignore_stokes_i = true` the pipeline's RM synthesis of a spectrum is the CLI's
/// `arrakis rmsynth --ignore-stokes-i` of the same file (rmsynth1d's `-i`), byte for byte.
final class RMSynthRuleParamsTests: XCTestCase {
    static let environment = ["ARRAKIS_SURVEY": "survey", "ARRAKIS_DATABASE": "sqlite:work/pipeline.db"]

    func testIgnoreStokesIIsTheCLIsFlag() throws {
        let dir = try scratchDirectory(self)
        let sim = try arrakis(["simulate", "survey", "--ionosphere", "--fields", "1", "--epochs", "1", "--beams", "1",
                               "--sources", "6", "--channels", "12", "--npix", "48"], in: dir)
        XCTAssertEqual(sim.status, 0, sim.stderr)
        let text = try perFieldArrakisfile()
        XCTAssertTrue(text.contains("product rmsynth {"))
        let edited = text.replacingOccurrences(of: "rule rmsynth\n    description \"RM synthesis of {field}",
                                               with: "param ignore_stokes_i = true\n    rule rmsynth\n    description \"RM synthesis of {field}")
        XCTAssertNotEqual(edited, text, "the rmsynth product gained the param")
        try write(edited, to: dir + "/Arrakisfile")
        let r = try arrakis(["build", "--progress", "quiet", "rmsynth"], in: dir, environment: Self.environment)
        XCTAssertEqual(r.status, 0, r.stderr)

        let manifest = try XCTUnwrap(try FileManager.default.subpathsOfDirectory(atPath: dir + "/work")
            .first { $0.hasSuffix(".rmsynth.tsv") })
        let rows = try read(dir + "/work/" + manifest).split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        let ok = rows.filter { $0[3] == "ok" }
        XCTAssertFalse(ok.isEmpty, "some spectra were analysed")
        for row in ok.prefix(3) {
            let spectrum = row[2].hasPrefix("/") ? row[2] : dir + "/" + row[2]
            let summary = row[5].hasPrefix("/") ? row[5] : dir + "/" + row[5]
            let cli = try arrakis(["rmsynth", spectrum, "--ignore-stokes-i", "--out-prefix", dir + "/cli"], in: dir)
            XCTAssertEqual(cli.status, 0, cli.stderr)
            XCTAssertEqual(try read(dir + "/cli_RMsynth.json"), try read(summary), "\(row[0]): the rule's and the CLI's results")
            let plain = try arrakis(["rmsynth", spectrum, "--out-prefix", dir + "/plain"], in: dir)
            XCTAssertEqual(plain.status, 0, plain.stderr)
            XCTAssertNotEqual(try read(dir + "/plain_RMsynth.json"), try read(summary), "\(row[0]): ignoring I changes the result")
        }
    }
}
