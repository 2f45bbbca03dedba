import Foundation
import Store
import XCTest

/// Issue 24: the `rmsynth3d` rule runs 3-D RM synthesis (and RM-CLEAN) on every island's
/// Q/U mosaics of a field, as `arrakis rmsynth3d` does on the same cubes, records the files
/// per island in the database, and reuses an island whose cubes and settings are unchanged.
final class RMSynth3DBuildTests: XCTestCase {
    static let environment = ["ARRAKIS_SURVEY": "survey", "ARRAKIS_DATABASE": "sqlite:work/pipeline.db"]

    private func arrakisfile(weight: String, memory: Int = 512) throws -> String {
        try perFieldArrakisfile() + """

            # 3-D RM synthesis of the islands' mosaics (the original's --dimension 3d).
            product rmsynth3d {
                for (epoch, field) in glob("{survey}/epoch_{epoch}/{field}")
                input mosaics = mosaics[epoch, field]
                param weight = "\(weight)"
                param clean = true
                param max_iter = 50
                param max_memory_mb = \(memory)
                param directory = "work/epoch_{epoch}/rm3d"
                param database = pipeline_db
                manifest "work/epoch_{epoch}/manifests/{field}.rmsynth3d.tsv"
                rule rmsynth3d
            }

            """
    }

    /// The primary header's length: up to the block holding its END card.
    static func headerBytes(_ file: Data) -> Int {
        let bytes = [UInt8](file)
        var card = 0
        while (card + 1) * 80 <= bytes.count {
            if bytes[card * 80..<card * 80 + 3].elementsEqual("END".utf8) && bytes[card * 80 + 3] == 0x20 { break }
            card += 1
        }
        return ((card + 1) * 80 + 2879) / 2880 * 2880
    }

    func testEveryIslandIsSynthesisedAsTheCLIDoesAndReusedWhenUnchanged() throws {
        let dir = try scratchDirectory(self)
        let sim = try arrakis(["simulate", "survey", "--fields", "1", "--epochs", "1", "--beams", "1",
                               "--sources", "4", "--channels", "12", "--npix", "48"], in: dir)
        XCTAssertEqual(sim.status, 0, sim.stderr)
        try write(try arrakisfile(weight: "uniform"), to: dir + "/Arrakisfile")
        let build = try arrakis(["build", "--progress", "quiet", "rmsynth3d"], in: dir, environment: Self.environment)
        XCTAssertEqual(build.status, 0, build.stderr)

        let manifestPath = try XCTUnwrap(try FileManager.default.subpathsOfDirectory(atPath: dir + "/work")
            .first { $0.hasSuffix(".rmsynth3d.tsv") })
        let islands = try manifestRows(dir + "/work/" + manifestPath)
        XCTAssertFalse(islands.isEmpty)
        XCTAssertTrue(islands.allSatisfy { $0["status"] == "ok" }, "\(islands)")
        let mosaicsPath = manifestPath.replacingOccurrences(of: ".rmsynth3d.tsv", with: ".mosaics.tsv")
        let mosaics = try manifestRows(dir + "/work/" + mosaicsPath)
        let field = (manifestPath as NSString).lastPathComponent.replacingOccurrences(of: ".rmsynth3d.tsv", with: "")

        // One island through the CLI, on the same mosaics and settings: the same cubes.
        let island = islands[0]["source_id"]!
        func mosaic(_ stokes: String) throws -> String {
            let p = try XCTUnwrap(mosaics.first { $0["source_id"] == island && $0["stokes"] == stokes }?["image"])
            return p.hasPrefix("/") ? p : dir + "/" + p
        }
        let cli = try arrakis(["rmsynth3d", try mosaic("q"), try mosaic("u"), "--clean", "--max-iter", "50",
                               "--out-prefix", dir + "/cli_"], in: dir)
        XCTAssertEqual(cli.status, 0, cli.stderr)
        let summary = try XCTUnwrap(islands[0]["summary"])
        XCTAssertTrue(summary.hasSuffix("/rm3d/\(field)/\(island)_rmsynth3d.json"), summary)
        let rulePrefix = (summary.hasPrefix("/") ? "" : dir + "/") + summary.dropLast("rmsynth3d.json".count)
        for name in ["FDF_tot_dirty", "RMSF_tot", "FDF_peakRM", "FDF_maxPI", "FDF_clean_tot", "FDF_CC_tot", "CLEAN_nIter"] {
            let ours = try Data(contentsOf: URL(fileURLWithPath: rulePrefix + name + ".fits"))
            let theirs = try Data(contentsOf: URL(fileURLWithPath: dir + "/cli_" + name + ".fits"))
            XCTAssertEqual(ours.count, theirs.count, name)
            // The data units match (the headers may differ in their HISTORY text).
            XCTAssertEqual(ours.dropFirst(Self.headerBytes(ours)), theirs.dropFirst(Self.headerBytes(theirs)),
                           "\(name): the rule's and the CLI's pixels")
        }

        // The database records each island's files for the field.
        let epochDirectory = try XCTUnwrap(manifestPath.split(separator: "/").first { $0.hasPrefix("epoch_") })
        let epoch = try XCTUnwrap(Int(epochDirectory.dropFirst("epoch_".count)))
        let db = try DatabaseOpener.pipeline("sqlite:\(dir)/work/pipeline.db", credentials: Credentials(username: nil, password: nil))
        for row in islands {
            let doc = try XCTUnwrap(try db.find(.islands, epoch: epoch, Filter([("Source_ID", .string(row["source_id"]!))])).first)
            let element = try XCTUnwrap(doc["rm_outputs_3d"]?.array?.first { $0.document?["field"]?.string == field }?.document)
            XCTAssertEqual(element["rmsynth3d"]?.bool, true)
            XCTAssertEqual(element["rmclean3d"]?.bool, true)
            let files = try XCTUnwrap(element["rm3dfiles"]?.document)
            let fdf = try XCTUnwrap(files["FDF_tot_dirty"]?.string)
            XCTAssertTrue(FileManager.default.fileExists(atPath: fdf.hasPrefix("/") ? fdf : dir + "/" + fdf), fdf)
            XCTAssertNotNil(element["rmclean3dfiles"]?.document?["FDF_clean_tot"]?.string)
        }

        // A param that does not change any island's results: the product runs again, every
        // island is reused (its files untouched). The weights changed: every island is made again.
        let inode = try FileManager.default.attributesOfItem(atPath: rulePrefix + "FDF_tot_dirty.fits")[.systemFileNumber] as? UInt64
        let modified = try FileManager.default.attributesOfItem(atPath: rulePrefix + "FDF_tot_dirty.fits")[.modificationDate] as? Date
        try write(try arrakisfile(weight: "uniform", memory: 256), to: dir + "/Arrakisfile")
        let same = try arrakis(["build", "--progress", "plain", "rmsynth3d"], in: dir, environment: Self.environment)
        XCTAssertEqual(same.status, 0, same.stderr)
        XCTAssertTrue(same.stderr.contains("rmsynth3d["), "the product ran again: \(same.stderr)")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: rulePrefix + "FDF_tot_dirty.fits")[.systemFileNumber] as? UInt64,
                       inode, "the island was reused")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: rulePrefix + "FDF_tot_dirty.fits")[.modificationDate] as? Date,
                       modified, "the island's files were not written again")
        try write(try arrakisfile(weight: "variance"), to: dir + "/Arrakisfile")
        let again = try arrakis(["build", "--progress", "quiet", "rmsynth3d"], in: dir, environment: Self.environment)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertNotEqual(try FileManager.default.attributesOfItem(atPath: rulePrefix + "FDF_tot_dirty.fits")[.systemFileNumber] as? UInt64,
                          inode, "variance weights: the island was synthesised again")
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: rulePrefix + "FDF_tot_dirty.fits")),
                          try Data(contentsOf: URL(fileURLWithPath: dir + "/cli_FDF_tot_dirty.fits")), "variance weights change the FDF")
    }
}
