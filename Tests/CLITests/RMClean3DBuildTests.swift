import Foundation
import Astro
import Store
import XCTest

/// Issue 24: the `rmclean3d` rule CLEANs the dirty FDFs an `rmsynth3d` product wrote, as
/// `arrakis rmsynth3d --clean` does on the same cubes, records the files per island, and a
/// changed CLEAN setting re-runs CLEAN only, never the synthesis.
final class RMClean3DBuildTests: XCTestCase {
    private func arrakisfile(cutoff: String) throws -> String {
        try perFieldArrakisfile() + """

            product rmsynth3d {
                for (epoch, field) in glob("{survey}/epoch_{epoch}/{field}")
                input mosaics = mosaics[epoch, field]
                param weight = "uniform"
                param directory = "work/epoch_{epoch}/rm3d"
                param database = pipeline_db
                manifest "work/epoch_{epoch}/manifests/{field}.rmsynth3d.tsv"
                rule rmsynth3d
            }

            product rmclean3d {
                for (epoch, field) in glob("{survey}/epoch_{epoch}/{field}")
                input rmsynth3d = rmsynth3d[epoch, field]
                param cutoff = \(cutoff)
                param max_iter = 50
                param database = pipeline_db
                manifest "work/epoch_{epoch}/manifests/{field}.rmclean3d.tsv"
                rule rmclean3d
            }

            """
    }

    private func inode(_ path: String) throws -> UInt64? {
        try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? UInt64
    }

    func testIslandsAreCleanedAsTheCLIDoesAndACutoffChangeRerunsCleanOnly() throws {
        let dir = try scratchDirectory(self)
        let sim = try arrakis(["simulate", "survey", "--fields", "1", "--epochs", "1", "--beams", "1",
                               "--sources", "4", "--channels", "12", "--npix", "48"], in: dir)
        XCTAssertEqual(sim.status, 0, sim.stderr)
        try write(try arrakisfile(cutoff: "0.0005"), to: dir + "/Arrakisfile")
        let build = try arrakis(["build", "--progress", "quiet", "rmclean3d"], in: dir, environment: RMSynth3DBuildTests.environment)
        XCTAssertEqual(build.status, 0, build.stderr)

        let manifests = try FileManager.default.subpathsOfDirectory(atPath: dir + "/work")
        let cleanManifest = try XCTUnwrap(manifests.first { $0.hasSuffix(".rmclean3d.tsv") })
        let islands = try manifestRows(dir + "/work/" + cleanManifest)
        XCTAssertFalse(islands.isEmpty)
        XCTAssertTrue(islands.allSatisfy { $0["status"] == "ok" }, "\(islands)")
        let mosaics = try manifestRows(dir + "/work/" + cleanManifest.replacingOccurrences(of: ".rmclean3d.tsv", with: ".mosaics.tsv"))
        let field = (cleanManifest as NSString).lastPathComponent.replacingOccurrences(of: ".rmclean3d.tsv", with: "")

        // One island through the CLI in one step: the same clean cubes, pixel for pixel.
        let island = islands[0]["source_id"]!
        func mosaic(_ stokes: String) throws -> String {
            let p = try XCTUnwrap(mosaics.first { $0["source_id"] == island && $0["stokes"] == stokes }?["image"])
            return p.hasPrefix("/") ? p : dir + "/" + p
        }
        let cli = try arrakis(["rmsynth3d", try mosaic("q"), try mosaic("u"), "--clean", "--cutoff", "0.0005", "--max-iter", "50",
                               "--out-prefix", dir + "/cli_"], in: dir)
        XCTAssertEqual(cli.status, 0, cli.stderr)
        let summary = try XCTUnwrap(islands[0]["summary"])
        XCTAssertTrue(summary.hasSuffix("/rm3d/\(field)/\(island)_rmclean3d.json"), summary)
        let prefix = (summary.hasPrefix("/") ? "" : dir + "/") + summary.dropLast("rmclean3d.json".count)
        var cleaned = 0
        for name in ["FDF_clean_tot", "FDF_clean_real", "FDF_CC_tot", "CLEAN_nIter"] {
            let ours = try Data(contentsOf: URL(fileURLWithPath: prefix + name + ".fits"))
            let theirs = try Data(contentsOf: URL(fileURLWithPath: dir + "/cli_" + name + ".fits"))
            XCTAssertEqual(ours.dropFirst(RMSynth3DBuildTests.headerBytes(ours)), theirs.dropFirst(RMSynth3DBuildTests.headerBytes(theirs)),
                           "\(name): the rule's and the CLI's pixels")
        }
        for row in islands {
            let path = (row["summary"]!.hasPrefix("/") ? "" : dir + "/") + row["summary"]!.dropLast("rmclean3d.json".count) + "CLEAN_nIter.fits"
            let iterations = try FITSFile.open(path).readImage(as: Float.self).values
            cleaned += iterations.count { $0 > 0 }
        }
        XCTAssertGreaterThan(cleaned, 0, "no pixel reached the cutoff: the comparison would prove nothing")

        // One element per field holds the synthesis's and the CLEAN's records.
        let epochDirectory = try XCTUnwrap(cleanManifest.split(separator: "/").first { $0.hasPrefix("epoch_") })
        let epoch = try XCTUnwrap(Int(epochDirectory.dropFirst("epoch_".count)))
        let db = try DatabaseOpener.pipeline("sqlite:\(dir)/work/pipeline.db", credentials: Credentials(username: nil, password: nil))
        for row in islands {
            let doc = try XCTUnwrap(try db.find(.islands, epoch: epoch, Filter([("Source_ID", .string(row["source_id"]!))])).first)
            let element = try XCTUnwrap(doc["rm_outputs_3d"]?.array?.first { $0.document?["field"]?.string == field }?.document)
            XCTAssertEqual(element["rmsynth3d"]?.bool, true)
            XCTAssertEqual(element["rmclean3d"]?.bool, true)
            XCTAssertNotNil(element["rm3dfiles"]?.document?["FDF_tot_dirty"]?.string)
            XCTAssertNotNil(element["rmclean3dfiles"]?.document?["FDF_clean_tot"]?.string)
        }

        // A deeper cutoff: CLEAN again, the synthesis untouched.
        let dirty = try inode(prefix + "FDF_tot_dirty.fits"), clean = try inode(prefix + "FDF_clean_tot.fits")
        try write(try arrakisfile(cutoff: "0.0002"), to: dir + "/Arrakisfile")
        let again = try arrakis(["build", "--progress", "plain", "rmclean3d"], in: dir, environment: RMSynth3DBuildTests.environment)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertFalse(again.stderr.contains("rmsynth3d["), "the synthesis ran again: \(again.stderr)")
        XCTAssertTrue(again.stderr.contains("rmclean3d["), again.stderr)
        XCTAssertEqual(try inode(prefix + "FDF_tot_dirty.fits"), dirty, "the dirty FDF was not written again")
        XCTAssertNotEqual(try inode(prefix + "FDF_clean_tot.fits"), clean, "the clean FDF was made again")
    }
}
