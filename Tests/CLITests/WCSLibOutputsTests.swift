import Foundation
import XCTest

/// Cutouts, mosaics and spectra made through wcslib are the ones the hand-written SIN/TAN
/// code made before it (Tests/CLITests/Support/pre-wcslib-digests.json: the content digest
/// of every unit of a simulated field, from arrakis 50b2335): byte for byte, which is
/// stricter than the 1e-9 deg asked.
final class WCSLibOutputsTests: XCTestCase {
    struct Reference: Decodable {
        var simulate: [String]
        var units: [String: String]
    }

    func testCutoutsMosaicsAndSpectraAreUnchanged() throws {
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: URL(fileURLWithPath:
            repositoryRoot + "/Tests/CLITests/Support/pre-wcslib-digests.json")))
        let dir = try scratchDirectory(self)
        XCTAssertEqual(try arrakis(reference.simulate, in: dir).status, 0)
        try write(try perFieldArrakisfile(), to: dir + "/Arrakisfile")
        let environment = ["ARRAKIS_SURVEY": "survey", "ARRAKIS_DATABASE": "sqlite:work/pipeline.db"]
        let r = try arrakis(["build", "--progress", "quiet", "spectra"], in: dir, environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)
        var units: [String: String] = [:]
        for (kind, keys) in [("cutouts", ["source_id", "stokes", "beam"]), ("mosaics", ["source_id", "stokes"]), ("spectra", ["gaussian_id"])] {
            let manifests = try FileManager.default.contentsOfDirectory(atPath: dir + "/work/epoch_0/manifests").filter { $0.hasSuffix(".\(kind).tsv") }
            for name in manifests {
                let field = String(name.prefix { $0 != "." })
                let lines = try read(dir + "/work/epoch_0/manifests/" + name).split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
                let header = lines[0]
                for row in lines.dropFirst() {
                    let value = Dictionary(uniqueKeysWithValues: zip(header, row))
                    units[([kind, field] + keys.map { value[$0]! }).joined(separator: " ")] = value["digest"]
                }
            }
        }
        XCTAssertEqual(units.count, reference.units.count)
        XCTAssertGreaterThan(units.count, 100)
        for (unit, digest) in reference.units where units[unit] != digest {
            XCTFail("\(unit): \(units[unit] ?? "missing"), before wcslib \(digest)")
        }
    }
}
