import Astro
import Foundation
import Store
import TestServers
import XCTest

/// The root Arrakisfile's science stages (sources, cutouts, mosaics, spectra) built by the
/// `arrakis` executable on a small simulated survey.
final class PipelineBuildTests: XCTestCase {
    var environment = ["ARRAKIS_SURVEY": "survey", "ARRAKIS_DATABASE": "sqlite:work/pipeline.db"]
    /// Where `build` runs the tasks.
    var executor = TestExecutor.local

    /// A scratch project: a 2-field, 2-epoch survey and a copy of the root Arrakisfile.
    func project() throws -> String {
        let dir = try scratchDirectory(self)
        let sim = try arrakis(["simulate", "survey", "--ionosphere", "--fields", "2", "--epochs", "2", "--beams", "4",
                               "--sources", "16", "--channels", "12", "--npix", "64"], in: dir)
        XCTAssertEqual(sim.status, 0, sim.stderr)
        try write(try perFieldArrakisfile(), to: dir + "/Arrakisfile")
        return dir
    }

    @discardableResult
    func build(_ args: [String] = [], in dir: String, file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        try arrakisBuild(args, in: dir, environment: environment, executor: executor, file: file, line: line)
    }

    /// The islands of a field's table (`work/epoch_E/fields/FIELD.json`, written by `sources`).
    func fieldIslands(_ dir: String, epoch: Int, field: String) throws -> [[String: Any]] {
        let table = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/work/epoch_\(epoch)/fields/\(field).json"))) as! [String: Any]
        return table["islands"] as! [[String: Any]]
    }

    func testSurveyBuildsRecordsResultsAndRebuildsOnlyWhatAParamChanges() throws {
        let dir = try project()
        try build(in: dir)

        // Every component of every island of every field has a spectrum file.
        let db = try DatabaseOpener.pipeline("sqlite:\(dir)/work/pipeline.db", credentials: Credentials(username: nil, password: nil))
        for epoch in [0, 1] {
            let fields = try manifestRows("\(dir)/work/epoch_\(epoch)/fields.tsv")
            XCTAssertFalse(fields.isEmpty)
            for f in fields {
                let field = f["field"]!
                let spectra = try manifestRows("\(dir)/work/epoch_\(epoch)/manifests/\(field).spectra.tsv")
                let islands = try db.find(.beams, epoch: epoch, .all).filter { $0.value(at: "beams.\(field).beam_list") != nil }
                XCTAssertFalse(islands.isEmpty)
                var expected = 0
                for island in islands {
                    let id = island["Source_ID"]!.string!
                    expected += try db.find(.components, epoch: epoch, Filter([("Source_ID", .string(id))])).count
                    // The original's field names, written by cutouts and mosaics.
                    let beam = island.value(at: "beams.\(field).beam_list")!.array!.first!.int!
                    for s in ["i", "q", "u"] {
                        let cut = island.value(at: "beams.\(field).\(s)_beam\(beam)_image_file")?.string
                        XCTAssertNotNil(cut, "\(id) \(s) beam \(beam)")
                        if let cut { XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/" + cut), cut) }
                        XCTAssertNotNil(island.value(at: "beams.\(field).\(s)_beam\(beam)_weight_file")?.string)
                        let mosaic = island.value(at: "beams.\(field).\(s)_file")?.string
                        XCTAssertEqual(mosaic, "\(id)/\(id).cutout.image.restored.\(s).\(field).contcube.linmos.fits")
                        if let mosaic { XCTAssertTrue(FileManager.default.fileExists(atPath: "\(dir)/work/epoch_\(epoch)/cutouts/\(mosaic)")) }
                    }
                }
                XCTAssertEqual(spectra.count, expected, "epoch \(epoch) \(field)")
                for s in spectra {
                    let spectrum = try SpectrumFile.read(dir + "/" + s["spectrum"]!)
                    XCTAssertEqual(spectrum.count, 12)
                }
            }
        }

        // Unchanged inputs: nothing to do.
        XCTAssertEqual(try dryRunPlan(in: dir, environment: environment).count, 0)

        // A new pad: cutouts, mosaics, spectra, RM results and catalogues rebuild, sources do not.
        let before = try manifestRows("\(dir)/work/epoch_0/manifests/RACS_1230-31A.mosaics.tsv")
        let text = try read(dir + "/Arrakisfile")
        XCTAssertTrue(text.contains("param pad = 3"))
        try write(text.replacingOccurrences(of: "param pad = 3", with: "param pad = 5"), to: dir + "/Arrakisfile")
        let plan = try dryRunPlan(in: dir, environment: environment)
        let families = Set(plan.tasks.map { String($0.product.prefix { $0 != "[" }) })
        XCTAssertEqual(families.subtracting(["validation"]),
                       ["cutouts", "mosaics", "spectra", "frion", "rmsynth", "rmclean", "catalogue", "survey_catalogue"], "\(plan.tasks)")
        XCTAssertTrue(plan.tasks.contains { $0.product.hasPrefix("cutouts[") && $0.reason.contains("pad") }, "\(plan.tasks)")
        let r = try build(in: dir)
        XCTAssertFalse(r.stderr.contains("sources["), r.stderr)
        let after = try manifestRows("\(dir)/work/epoch_0/manifests/RACS_1230-31A.mosaics.tsv")
        XCTAssertEqual(before.map { $0["image"] }, after.map { $0["image"] })
        XCTAssertNotEqual(before.map { $0["digest"] }, after.map { $0["digest"] }, "bigger cutouts make different mosaics")
        XCTAssertEqual(try dryRunPlan(in: dir, environment: environment).count, 0)
    }

    func testAFieldIsATargetAndAnIslandOffItsImagesIsNamed() throws {
        let dir = try project()
        // One field's cutouts, in every epoch, and what they need.
        let r = try arrakis(["build", "--dry-run", "--json", "cutouts:RACS_1239-31A"], in: dir, environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("\"sources[0]\""), r.stdout)
        XCTAssertTrue(r.stdout.contains("{\"product\":\"cutouts[0, RACS_1239-31A]\",\"reason\":\"upstream sources[0] will be rebuilt\"}"),
                      "cutouts wait for the sources that write their tables: \(r.stdout)")
        try build(["sources"], in: dir)
        let plan = try arrakis(["build", "--dry-run", "--json", "cutouts:RACS_1239-31A"], in: dir, environment: environment)
        XCTAssertTrue(plan.stdout.contains("\"cutouts[0, RACS_1239-31A]\""), plan.stdout)
        XCTAssertFalse(plan.stdout.contains("RACS_1230-31A"), plan.stdout)

        // Move one component far from its island (which stays matched to its beams): its
        // island's box is then off every image of that field.
        let path = dir + "/survey/catalogues/RACS-DR1_components.fits"
        var table = try FITSFile.open(path).readTable()
        let victim = table.column("Source_ID")!.strings![0]
        let ras = table.column("RA")!.reals!
        var moved = ras
        moved[0] = ras[0] + 40
        let index = table.columns.firstIndex { $0.name == "RA" }!
        table.columns[index].data = .real(moved)
        try FileManager.default.removeItem(atPath: path)
        let out = try FITSFile.create(path)
        try out.writeTable(table)
        try out.commit()

        let failed = try arrakis(["build", "-k", "--progress", "plain"], in: dir, environment: environment)
        XCTAssertNotEqual(failed.status, 0)
        XCTAssertTrue(failed.stderr.contains("got no cutout"), failed.stderr)
        XCTAssertTrue(failed.stderr.contains(victim + ":"), failed.stderr)
        XCTAssertTrue(failed.stderr.contains("does not overlap"), failed.stderr)
        // The other fields were built.
        XCTAssertTrue(failed.stderr.contains("spectra["), failed.stderr)
    }

    /// An island that a field's beam sees (centre within 1 degree) but that reaches beyond
    /// the field's images: its cutouts are clipped, and a component beyond the edge has no
    /// spectrum from that field. The field still builds (the neighbour field measures it).
    func testAComponentBeyondTheFieldsImagesDoesNotFailTheField() throws {
        let dir = try scratchDirectory(self)
        let sim = try arrakis(["simulate", "survey", "--ionosphere", "--fields", "6", "--epochs", "1", "--beams", "1",
                               "--sources", "24", "--channels", "8", "--npix", "32"], in: dir)
        XCTAssertEqual(sim.status, 0, sim.stderr)
        try write(try perFieldArrakisfile(), to: dir + "/Arrakisfile")
        try build(in: dir)
        // Some component of some field's table has no spectrum there (else this tests nothing).
        var beyond: [String] = []
        for f in try manifestRows("\(dir)/work/epoch_0/fields.tsv") {
            let field = f["field"]!
            let spectra = Set(try manifestRows("\(dir)/work/epoch_0/manifests/\(field).spectra.tsv").map { $0["gaussian_id"]! })
            for island in try fieldIslands(dir, epoch: 0, field: field) {
                for c in island["components"] as! [[String: Any]] where !spectra.contains(c["Gaussian_ID"] as! String) {
                    beyond.append("\(field): \(c["Gaussian_ID"]!)")
                }
            }
        }
        XCTAssertFalse(beyond.isEmpty, "the simulated survey should have a component beyond its field's images")
    }

    /// Modification times of every file under `dir`, by path.
    func mtimes(_ dir: String) throws -> [String: Date] {
        var out: [String: Date] = [:]
        let fm = FileManager.default
        guard let e = fm.enumerator(atPath: dir) else { return out }
        for case let p as String in e {
            let attrs = try fm.attributesOfItem(atPath: dir + "/" + p)
            if attrs[.type] as? FileAttributeType == .typeRegular { out[p] = attrs[.modificationDate] as? Date }
        }
        return out
    }

    func testMovingOneComponentRemakesOnlyItsIslandsFiles() throws {
        try movingOneComponent()
    }

    /// Issue 9, acceptance 3: the same with the MongoDB backend (a wire-protocol test server
    /// of its own; the password reaches arrakis in its environment only).
    func testMovingOneComponentOnTheMongoDBBackend() throws {
        let server = try MongoTestServer.start()
        environment["ARRAKIS_DATABASE"] = server.url
        environment["ARRAKIS_DB_PASSWORD"] = server.password
        try movingOneComponent()
    }

    /// Issue 9, acceptance 3: the same with every task built through the SLURM cluster.
    func testMovingOneComponentBuiltThroughSlurm() throws {
        try SlurmCluster.require()
        executor = .slurm
        try movingOneComponent()
    }

    /// Nudges one component of a built survey: only its island's cutouts, mosaics, spectra
    /// and RM files are remade, and only the catalogues that hold it (its fields' and the
    /// survey's).
    func movingOneComponent() throws {
        let dir = try project()
        try build(in: dir)
        let before = try mtimes(dir + "/work")

        // Nudge one component by 2 arcsec.
        let path = dir + "/survey/catalogues/RACS-DR1_components.fits"
        var table = try FITSFile.open(path).readTable()
        let island = table.column("Source_ID")!.strings![0]
        let gaussian = table.column("Gaussian_ID")!.strings![0]
        var dec = table.column("Dec")!.reals!
        dec[0] += 2.0 / 3600
        table.columns[table.columns.firstIndex { $0.name == "Dec" }!].data = .real(dec)
        try FileManager.default.removeItem(atPath: path)
        let out = try FITSFile.create(path)
        try out.writeTable(table)
        try out.commit()
        try waitForFilesystemClock(toPass: [path])
        let rebuilt = try build(in: dir).builtProducts

        // The products that ran: the sources (they read the catalogue), the survey's
        // aggregates and the products of the fields whose tables hold the island (in each
        // epoch), at least their cutouts; nothing of any other field.
        var allowed: Set<String> = ["survey_catalogue", "validation"], cutouts: Set<String> = []
        for epoch in [0, 1] {
            allowed.insert("sources[\(epoch)]")
            for f in try manifestRows("\(dir)/work/epoch_\(epoch)/fields.tsv") {
                let field = f["field"]!
                guard try fieldIslands(dir, epoch: epoch, field: field).contains(where: { $0["Source_ID"] as? String == island }) else { continue }
                for family in perFieldFamilies { allowed.insert("\(family)[\(epoch), \(field)]") }
                cutouts.insert("cutouts[\(epoch), \(field)]")
            }
        }
        XCTAssertFalse(cutouts.isEmpty)
        XCTAssertTrue(cutouts.isSubset(of: rebuilt), "\(rebuilt)")
        XCTAssertTrue(rebuilt.isSubset(of: allowed), "only \(island)'s fields: \(rebuilt.subtracting(allowed))")

        let after = try mtimes(dir + "/work")
        XCTAssertEqual(Set(before.keys), Set(after.keys))
        let changed = after.keys.filter { after[$0] != before[$0] }.sorted()
        let products = changed.filter { $0.contains("/cutouts/") }
        XCTAssertFalse(products.isEmpty, "the moved component's files are remade")
        XCTAssertTrue(products.contains { $0.hasSuffix("/\(gaussian).dat") }, "\(products)")
        // (Its mosaics and RM results are remade only if the cutouts' and spectrum's bytes
        // change: a 2" nudge may keep the same pixels, and then early cutoff keeps them.)
        for p in products {
            XCTAssertTrue(p.contains("/cutouts/\(island)/"), "only \(island)'s files change, not \(p)")
        }
        // The catalogues that hold it: those of the fields (and epochs) with a spectrum of
        // it, and the survey's; no other.
        var holding: Set<String> = ["catalogue.xml", "catalogue.fits"]
        for p in after.keys where p.contains("/cutouts/\(island)/") && p.hasSuffix("/\(gaussian).dat") {
            let parts = p.split(separator: "/")   // epoch_E/cutouts/ISLAND/FIELD/GAUSSIAN.dat
            holding.insert("\(parts[0])/catalogues/\(parts[3]).xml")
            holding.insert("\(parts[0])/catalogues/\(parts[3]).fits")
        }
        XCTAssertEqual(Set(changed.filter { $0.contains("catalogue") }), holding)
        // What else changed: the field tables and manifests of the fields that see it.
        for p in changed where !p.contains("/cutouts/") && !p.contains("catalogue") && !p.hasPrefix("validation/") {
            XCTAssertTrue(p.hasSuffix(".tsv") || p.hasSuffix(".json") || p.hasPrefix("pipeline.db"), p)
        }
        XCTAssertEqual(try dryRunPlan(in: dir, environment: environment).count, 0)
        if environment["ARRAKIS_DATABASE"]!.hasPrefix("mongodb:") {
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/work/pipeline.db"), "the MongoDB backend, not the embedded one")
        }
    }
}
