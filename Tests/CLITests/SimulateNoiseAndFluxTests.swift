import Foundation
import XCTest

/// `arrakis simulate --channel-noise`, `--min-flux`, `--max-flux` and `--flux-slope`.
final class SimulateNoiseAndFluxTests: XCTestCase {
    let small = ["--fields", "1", "--epochs", "1", "--beams", "1", "--channels", "8", "--npix", "32"]

    func column(_ name: String, ofTruthIn survey: String) throws -> [Double] {
        let lines = try read(survey + "/truth.csv").split(separator: "\n").filter { !$0.hasPrefix("#") }
        let header = lines[0].split(separator: ",").map(String.init)
        let k = try XCTUnwrap(header.firstIndex(of: name), "truth.csv has no \(name)")
        return lines.dropFirst().map { Double($0.split(separator: ",", omittingEmptySubsequences: false)[k])! }
    }

    func testFluxesFollowTheGivenRangeAndTheNoiseTheGivenSigma() throws {
        let dir = try scratchDirectory(self)
        let r = try arrakis(["simulate", "s", "--sources", "200", "--min-flux", "0.05", "--max-flux", "0.2",
                             "--flux-slope", "1", "--channel-noise", "0.002"] + small, in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let fluxes = try column("flux", ofTruthIn: dir + "/s")
        XCTAssertEqual(fluxes.count, 200)
        XCTAssertTrue(fluxes.allSatisfy { $0 >= 0.05 && $0 <= 0.2 }, "\(fluxes.min()!)...\(fluxes.max()!)")
        // N(>S) ~ S^-1 from 50 mJy: P(S > 0.1) = 1/2, P(S >= 0.2) = 1/4 (capped at 0.2).
        let above = Double(fluxes.filter { $0 > 0.1 }.count) / 200, capped = Double(fluxes.filter { $0 == 0.2 }.count) / 200
        XCTAssertEqual(above, 0.5, accuracy: 0.1)
        XCTAssertEqual(capped, 0.25, accuracy: 0.08)

        // The weights files hold 1/sigma^2, each channel's sigma 1 to 1.5 times the noise given.
        let weights = try read(dir + "/s/epoch_0/RACS_1230-31A/weights.restored.i.RACS_1230-31A.contcube.beam00.conv.txt")
        let sigmas = weights.split(separator: "\n").filter { !$0.hasPrefix("#") }
            .map { 1 / Double($0.split(separator: " ")[1])!.squareRoot() }
        XCTAssertEqual(sigmas.count, 8)
        XCTAssertTrue(sigmas.allSatisfy { $0 >= 0.002 * 0.999_999 && $0 <= 0.003 * 1.000_001 }, "\(sigmas)")
        let description = try read(dir + "/s/survey.json")
        for key in ["\"channelNoise\" : 0.002", "\"minimumFlux\" : 0.05", "\"maximumFlux\" : 0.2", "\"fluxCountSlope\" : 1"] {
            XCTAssertTrue(description.contains(key), "survey.json lacks \(key)")
        }
    }

    func testTheDefaultsAreTheSimulatorsOwn() throws {
        let dir = try scratchDirectory(self)
        XCTAssertEqual(try arrakis(["simulate", "a"] + small, in: dir).status, 0)
        XCTAssertEqual(try arrakis(["simulate", "b", "--channel-noise", "0.001", "--min-flux", "0.005",
                                    "--max-flux", "2", "--flux-slope", "1.5"] + small, in: dir).status, 0)
        for file in ["truth.csv", "epoch_0/RACS_1230-31A/image.restored.q.RACS_1230-31A.contcube.beam00.conv.fits"] {
            XCTAssertEqual(FileManager.default.contents(atPath: "\(dir)/a/\(file)"),
                           FileManager.default.contents(atPath: "\(dir)/b/\(file)"), file)
        }
    }

    func testBadValuesAreRefusedNamingTheOption() throws {
        let dir = try scratchDirectory(self)
        for (args, message) in [(["--channel-noise", "0"], "--channel-noise must be"),
                                (["--min-flux=-1"], "--min-flux must be"),
                                (["--min-flux", "0.1", "--max-flux", "0.05"], "--min-flux (0.1) must not be above --max-flux (0.05)"),
                                (["--max-flux=inf"], "--max-flux must be"),
                                (["--flux-slope", "nan"], "--flux-slope must be")] {
            let r = try arrakis(["simulate", "s"] + args, in: dir)
            XCTAssertEqual(r.status, 64, "\(args): a usage error")
            XCTAssertTrue(r.stderr.contains(message), "\(args): \(r.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/s"))
    }
}
