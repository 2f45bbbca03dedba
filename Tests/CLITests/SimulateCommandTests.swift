import Foundation
import XCTest

/// `arrakis simulate` and `arrakis fits` from the command line.
final class SimulateCommandTests: XCTestCase {
    func testSimulateWritesASurveyAndRefusesToOverwriteIt() throws {
        let dir = try scratchDirectory(self)
        let args = ["simulate", "survey", "--sources", "5", "--fields", "1", "--epochs", "1", "--beams", "1"]
        let r = try arrakis(args, in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("arrakis: wrote survey"), r.stderr)
        for f in ["truth.csv", "survey.json", "catalogues/RACS-DR1_islands.fits", "catalogues/RACS-DR1_components.fits",
                  "db/epoch_0/field_data.csv", "db/epoch_0/beam_inf_8500-RACS_test4_1.05_1230-31A.csv",
                  "epoch_0/RACS_1230-31A/image.restored.u.RACS_1230-31A.contcube.beam00.conv.fits",
                  "epoch_0/RACS_1230-31A/weights.restored.u.RACS_1230-31A.contcube.beam00.conv.txt"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(dir)/survey/\(f)"), f)
        }
        let again = try arrakis(args, in: dir)
        XCTAssertEqual(again.status, 2)
        XCTAssertTrue(again.stderr.contains("survey already exists and is not empty"), again.stderr)
        XCTAssertEqual(try arrakis(args + ["--force"], in: dir).status, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["survey"])

        let header = try arrakis(["fits", "header", "survey/epoch_0/RACS_1230-31A/image.restored.i.RACS_1230-31A.contcube.beam00.conv.fits"], in: dir)
        XCTAssertEqual(header.status, 0, header.stderr)
        XCTAssertTrue(header.stdout.contains("CTYPE1   = 'RA---SIN'"), header.stdout)
        XCTAssertTrue(header.stdout.contains("INSTRUMENT_RECEPTOR_ANGLE = -45.0"), header.stdout)
    }

    /// Issue 25: the cubes are drawn and written a channel plane at a time, so memory does not
    /// grow with them: a beam of 320 x 320 x 288 (3 cubes of 118 MB) in less than one cube.
    func testSimulateMemoryDoesNotGrowWithTheCubes() throws {
        let dir = try scratchDirectory(self)
        let r = try arrakis(["simulate", "survey", "--sources", "40", "--fields", "1", "--epochs", "1", "--beams", "1",
                             "--npix", "320", "--channels", "288", "-j", "1"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let mib = try XCTUnwrap(r.stderr.split(separator: " ").firstIndex(of: "memory").map { i in
            Int(r.stderr.split(separator: " ")[i + 1]) ?? -1
        }, r.stderr)
        let cube = try XCTUnwrap(try FileManager.default.attributesOfItem(
            atPath: dir + "/survey/epoch_0/RACS_1230-31A/image.restored.q.RACS_1230-31A.contcube.beam00.conv.fits")[.size] as? Int)
        XCTAssertGreaterThan(cube, 110_000_000)
        XCTAssertGreaterThan(mib, 0, r.stderr)
        XCTAssertLessThan(mib, 100, "peak memory \(mib) MiB for cubes of \(cube / 1_000_000) MB: \(r.stderr)")
    }

    func testBadParametersAndBadFilesAreNamed() throws {
        let dir = try scratchDirectory(self)
        let r = try arrakis(["simulate", "s", "--beams", "40"], in: dir)
        XCTAssertEqual(r.status, 64, "a usage error")
        XCTAssertTrue(r.stderr.contains("--beams must be from 1 to 36, not 40"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/s"))
        try write("not fits\n", to: dir + "/x.fits")
        let h = try arrakis(["fits", "header", "x.fits"], in: dir)
        XCTAssertEqual(h.status, 2)
        XCTAssertTrue(h.stderr.contains("x.fits: not a FITS file"), h.stderr)
    }
}
