import Foundation
import XCTest

/// Issue 25, acceptance 3: how the cutout stage reads a cube does not change the science.
/// The same survey is built twice with the root Arrakisfile: once as it is (each cube cut
/// in one pass) and once with `max_memory_mb = 1` on the cutouts (the islands of every cube
/// cut in bands of rows, one pass each, through buffers of a few pages: the path a cube far
/// larger than memory takes). Every cutout must be the same file, byte for byte, and every
/// catalogue row the same numbers.
final class CutoutBandsResultsTests: XCTestCase {
    func testCutoutsCutInBandsGiveTheSameCutoutsAndCatalogue() throws {
        let dir = try scratchDirectory(self)
        let sim = try arrakis(["simulate", "survey"] + ExampleSurveyScienceTests.exampleSurveyOptions(), in: dir)
        XCTAssertEqual(sim.status, 0, sim.stderr)
        let file = try read(repositoryRoot + "/Arrakisfile")
        let pad = "    param pad = 3\n"
        XCTAssertTrue(file.contains(pad), "the root Arrakisfile's cutouts product no longer sets pad = 3")
        let banded = file.replacingOccurrences(of: pad, with: pad + "    param max_memory_mb = 1\n")
        XCTAssertNotEqual(banded, file)

        for (name, text) in [("whole", file), ("bands", banded)] {
            let work = dir + "/" + name
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            try text.write(toFile: work + "/Arrakisfile", atomically: true, encoding: .utf8)
            let build = try arrakis(["build", "-j", "2", "--progress", "plain"], in: work,
                                    environment: ["ARRAKIS_SURVEY": dir + "/survey", "ARRAKIS_DATABASE": "sqlite:work/pipeline.db"])
            XCTAssertEqual(build.status, 0, build.stderr)
        }

        // The same cutout files, byte for byte.
        func cutouts(_ root: String) throws -> [String] {
            let base = root + "/work"
            let all = FileManager.default.enumerator(atPath: base)?.compactMap { $0 as? String } ?? []
            return all.filter { $0.contains("/cutouts/") && $0.hasSuffix(".fits") }.sorted()
        }
        let whole = try cutouts(dir + "/whole"), bands = try cutouts(dir + "/bands")
        XCTAssertGreaterThan(whole.count, 20, "cutout files made")
        XCTAssertEqual(whole, bands)
        var different: [String] = []
        for path in whole where !FileManager.default.contentsEqual(atPath: dir + "/whole/work/" + path,
                                                                  andPath: dir + "/bands/work/" + path) {
            different.append(path)
        }
        XCTAssertEqual(different, [], "cutouts that differ between one pass and bands")
        // A cube's cutouts (`<id>.cutout.<cube name>`) hold more than the 1 MiB budget, so
        // that budget cut them in several bands.
        var perCube: [String: UInt64] = [:]
        for path in whole {
            guard let cube = path.components(separatedBy: ".cutout.").last else { continue }
            let size = try FileManager.default.attributesOfItem(atPath: dir + "/whole/work/" + path)[.size] as? UInt64 ?? 0
            perCube[cube, default: 0] += size
        }
        XCTAssertGreaterThan(perCube.values.max() ?? 0, 3 << 20, "the largest cube's cutouts, bytes")

        // The same catalogue rows, number for number.
        let a = try CatalogueColumns(dir + "/whole/work/catalogue.fits")
        let b = try CatalogueColumns(dir + "/bands/work/catalogue.fits")
        XCTAssertGreaterThan(a.rowCount, 10)
        XCTAssertEqual(a.rowCount, b.rowCount)
        XCTAssertEqual(try a.texts("cat_id"), try b.texts("cat_id"))
        for column in ["rm", "rm_err", "polint", "snr_polint", "fracpol", "stokesI"] {
            let x = try a.reals(column), y = try b.reals(column)
            XCTAssertEqual(x.map(\.bitPattern), y.map(\.bitPattern), "column \(column)")
        }
    }
}
