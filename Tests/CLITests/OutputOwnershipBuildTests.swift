import Foundation
import Store
import XCTest

/// Every output has one owner (issue 19): a second product of one rule either is refused
/// before anything runs, naming both products and what they share, or, with its own output
/// location, writes beside the first and leaves its files and database entries as a build
/// without it makes them. Path inputs build after the products that write them.
final class OutputOwnershipBuildTests: XCTestCase {
    let environment = ["ARRAKIS_SURVEY": "survey", "ARRAKIS_DATABASE": "sqlite:work/pipeline.db"]

    /// A second RM synthesis with a wider Faraday-depth range.
    static func sweep(location: Bool, phiMax: Int = 1000) -> String {
        """

        product rmsynth_wide {
            for (epoch, field) in glob("{survey}/epoch_{epoch}/{field}")
            input spectra = frion[epoch, field]
            param phi_max = \(phiMax)
        \(location ? "    param directory = \"work/epoch_{epoch}/rmsynth_wide\"\n    param results = \"rm_outputs_1d_wide\"\n" : "")\
            param database = pipeline_db
            manifest "work/epoch_{epoch}/manifests/{field}.rmsynth_wide.tsv"
            rule rmsynth
        }

        product rmclean_wide {
            for (epoch, field) in glob("{survey}/epoch_{epoch}/{field}")
            input rmsynth = rmsynth_wide[epoch, field]
            manifest "work/epoch_{epoch}/manifests/{field}.rmclean_wide.tsv"
            rule rmclean
        }
        """
    }

    /// Projects sharing one simulated survey, each with the root Arrakisfile plus `extra`.
    func projects(_ extras: [String]) throws -> [String] {
        let base = try scratchDirectory(self)
        let sim = try arrakis(["simulate", "survey", "--ionosphere", "--fields", "2", "--epochs", "1", "--beams", "4",
                               "--sources", "16", "--channels", "12", "--npix", "64"], in: base)
        XCTAssertEqual(sim.status, 0, sim.stderr)
        let root = try perFieldArrakisfile()
        return try extras.enumerated().map { i, extra in
            let dir = base + "/p\(i)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: base + "/survey", toPath: dir + "/survey")
            try write(root + extra, to: dir + "/Arrakisfile")
            return dir
        }
    }

    /// Each component's value of `field` in the pipeline database, as JSON.
    func results(_ dir: String, field: String) throws -> [String: String] {
        let db = try DatabaseOpener.pipeline("sqlite:\(dir)/work/pipeline.db", credentials: Credentials(username: nil, password: nil))
        var out: [String: String] = [:]
        for doc in try db.find(.components, epoch: 0, .all) {
            guard let id = doc["Gaussian_ID"]?.string, let v = doc[field] else { continue }
            out[id] = v.description
        }
        return out
    }

    /// The largest |Faraday depth| of an FDF file (first column).
    func phiRange(_ path: String) throws -> Double {
        try read(path).split(separator: "\n").compactMap { Double($0.split(separator: " ").first ?? "") }.map(abs).max() ?? 0
    }

    func testSecondRMSynthWithoutItsOwnLocationIsRefusedBeforeAnythingRuns() throws {
        let dir = try projects([Self.sweep(location: false)])[0]
        for args in [["build", "--dry-run"], ["build", "rmsynth_wide"], ["build"], ["graph"]] {
            let r = try arrakis(args, in: dir, environment: environment)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("Arrakisfile:\(try lineOf("product rmsynth_wide", in: dir)):9: error: products 'rmsynth' (Arrakisfile:"),
                          "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("and 'rmsynth_wide' both write the RM synthesis files beside the spectra of work/epoch_0/manifests/"),
                          r.stderr)
            XCTAssertTrue(r.stderr.contains("give 'rmsynth_wide' its own param directory, param results"), r.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/work"), "nothing ran")
        // docs/pipeline.md shows this very message.
        let docs = try read(repositoryRoot + "/docs/pipeline.md")
        XCTAssertTrue(docs.contains("both write the RM synthesis files beside the spectra of work/epoch_0/manifests/"), "docs/pipeline.md")
    }

    func testSweepWithItsOwnLocationWritesBesideTheFirstAndLeavesItUntouched() throws {
        let dirs = try projects(["", Self.sweep(location: true)])
        let (alone, both) = (dirs[0], dirs[1])
        XCTAssertEqual(try arrakis(["build", "--progress", "quiet"], in: alone, environment: environment).status, 0)
        let r = try arrakis(["build", "--progress", "quiet", "-j", "2", "survey_catalogue", "validation", "rmclean_wide"],
                            in: both, environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)

        // The first product's files (and everything downstream of it) are byte-identical;
        // the cutouts manifests record file times, the database is compared below.
        let skip: (String) -> Bool = { $0.hasPrefix("work/pipeline.db") || $0.hasSuffix(".cutouts.tsv") || $0.hasPrefix("survey/") }
        let expected = try fileContents(under: alone, skip: { skip($0) || $0 == "Arrakisfile" })
        let built = try fileContents(under: both, skip: { skip($0) || $0 == "Arrakisfile" || $0.contains("rmsynth_wide") || $0.contains("rmclean_wide") })
        XCTAssertEqual(Set(built.keys), Set(expected.keys))
        for (path, bytes) in expected where built[path] != bytes { XCTFail("\(path) differs from a build without the sweep") }
        XCTAssertGreaterThan(expected.keys.filter { $0.hasSuffix("_RMsynth.json") }.count, 10)
        XCTAssertEqual(try results(both, field: "rm_outputs_1d"), try results(alone, field: "rm_outputs_1d"))
        XCTAssertFalse(try results(alone, field: "rm_outputs_1d").isEmpty)

        // The sweep's own results: its files, its database field, its Faraday-depth range.
        let wide = try results(both, field: "rm_outputs_1d_wide")
        XCTAssertEqual(Set(wide.keys), Set(try results(alone, field: "rm_outputs_1d").keys))
        XCTAssertTrue(wide.values.allSatisfy { $0.contains("\"rmclean1d\":true") || $0.contains("\"rmsynth1d\":false") }, "\(wide.values.first ?? "")")
        let wideFDFs = built.keys.isEmpty ? [] : try FileManager.default.subpathsOfDirectory(atPath: both + "/work/epoch_0/rmsynth_wide")
            .filter { $0.hasSuffix("_FDFdirty.dat") }
        XCTAssertFalse(wideFDFs.isEmpty)
        for f in wideFDFs {
            let range = try phiRange(both + "/work/epoch_0/rmsynth_wide/" + f)
            XCTAssertLessThanOrEqual(range, 1000)
            XCTAssertGreaterThan(range, 950, "\(f) spans +-\(range), not its own phi_max 1000")
        }
        let firstFDF = try XCTUnwrap(expected.keys.first { $0.hasSuffix("_FDFdirty.dat") })
        XCTAssertNotEqual(try phiRange(both + "/" + firstFDF), try phiRange(both + "/work/epoch_0/rmsynth_wide/" + wideFDFs[0]),
                          "the first product keeps its own range")
        XCTAssertTrue(wideFDFs.allSatisfy { FileManager.default.fileExists(atPath: both + "/work/epoch_0/rmsynth_wide/" + $0.replacingOccurrences(of: "_FDFdirty.dat", with: "_FDFclean.dat")) },
                      "rmclean_wide cleans beside rmsynth_wide")

        // Nothing is out of date afterwards; changing the sweep's phi_max rebuilds only it.
        XCTAssertEqual(try dryRunPlan(in: both, environment: environment).count, 0)
        try write(try read(both + "/Arrakisfile").replacingOccurrences(of: "param phi_max = 1000", with: "param phi_max = 800"),
                  to: both + "/Arrakisfile")
        let plan = try arrakis(["build", "--dry-run", "--json", "rmclean_wide", "survey_catalogue"], in: both, environment: environment)
        let planned = try JSONDecoder().decode(DryRunPlan.self, from: Data(plan.stdout.utf8))
        XCTAssertEqual(Set(planned.products.map { String($0.prefix { $0 != "[" }) }), ["rmsynth_wide", "rmclean_wide"])
        XCTAssertTrue(planned.tasks.contains { $0.reason == "parameter phi_max changed (1000 -> 800)" }, "\(planned.tasks)")
    }

    func testTwoProductsWithOneOutputOrOneUnitDirectoryAreRefusedAtLoad() throws {
        let dir = try scratchDirectory(self)
        try write("""
            product a { for x in ["1", "2"]; output "out/{x}.txt"; shell "echo {x} > {output}" }
            product b { output "out/2.txt"; shell "echo b > {output}" }
            default a
            """, to: dir + "/Arrakisfile")
        let r = try arrakis(["build", "--dry-run"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.hasPrefix("Arrakisfile:2:9: error: products 'a' (Arrakisfile:1:9) and 'b' both write the file out/2.txt (a[2] and b)"), r.stderr)

        // Two instances of one product writing one file.
        try write("""
            product a { for (epoch, field) in [[0, "A"], [1, "A"]]; output "out/{field}.txt"; shell "echo > {output}" }
            """, to: dir + "/Arrakisfile")
        let same = try arrakis(["build"], in: dir)
        XCTAssertEqual(same.status, 2)
        XCTAssertTrue(same.stderr.contains("two instances of product 'a' write the file out/A.txt (a[0, A] and a[1, A])"), same.stderr)

        // Two cutouts products cutting one field into one directory; a shell product writing
        // into the directory of field tables that sources owns.
        let cutouts = """
            product sources {
                for epoch in [0]
                input islands = "cat/i.fits"
                input components = "cat/c.fits"
                param racs = "survey"
                param fields = "work/fields"
                manifest "work/fields.tsv"
                rule sources
            }
            product cutouts {
                for (epoch, field) in [[0, "A"]]
                input table = "work/fields/{field}.json"
                input cubes = ["cubes/a.fits"]
                param cutouts = "work/cutouts"
                manifest "work/{field}.cutouts.tsv"
                rule cutouts
            }
            product cutouts_again {
                for (epoch, field) in [[0, "A"]]
                input table = "work/fields/{field}.json"
                input cubes = ["cubes/a.fits"]
                param pad = 5
                param cutouts = "work/cutouts"
                manifest "work/{field}.cutouts_again.tsv"
                rule cutouts
            }
            """
        try write(cutouts, to: dir + "/Arrakisfile")
        let unit = try arrakis(["build", "--dry-run", "cutouts"], in: dir)
        XCTAssertEqual(unit.status, 2)
        XCTAssertTrue(unit.stderr.contains("products 'cutouts' (Arrakisfile:10:9) and 'cutouts_again' both write the cutouts of field A under work/cutouts"),
                      unit.stderr)
        let withStray = cutouts.components(separatedBy: "product cutouts_again {")[0] + """
            product stray {
                output "work/fields/extra.json"
                shell "echo > {output}"
            }
            """
        try write(withStray, to: dir + "/Arrakisfile")
        let owned = try arrakis(["build", "--dry-run", "cutouts"], in: dir)
        XCTAssertEqual(owned.status, 2)
        XCTAssertTrue(owned.stderr.contains("products 'sources' (Arrakisfile:1:9) and 'stray' both write work/fields/extra.json, in the directory work/fields"),
                      owned.stderr)
    }

    func testPathInputMadeByAnotherProductBuildsInOrderOnAFreshTree() throws {
        let dir = try scratchDirectory(self)
        try write("""
            product report {
                for x in ["1", "2", "3"]
                input "steps/{x}/b.txt"
                input votable = tables[x].xml
                output "report/{x}.txt"
                shell "cat {input} > {output}"
            }
            product a { for x in ["1", "2", "3"]; output "steps/{x}/a.txt"; shell "sleep 0.2; echo a{x} > {output}" }
            product b { for x in ["1", "2", "3"]; input "steps/{x}/a.txt"; output "steps/{x}/b.txt"; shell "cat {input} > {output}; echo b{x} >> {output}" }
            product tables { for x in ["1", "2", "3"]; output fits = "tables/{x}.fits"; output xml = "tables/{x}.xml"; shell "echo fits > {output.fits}; echo xml{x} > {output.xml}" }
            default report
            """, to: dir + "/Arrakisfile")
        let plan = try dryRunPlan(in: dir)
        XCTAssertEqual(plan.products.count, 12, "report needs a, b and tables: \(plan.tasks)")
        let r = try arrakis(["build", "-j", "4", "--progress", "plain"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try read(dir + "/report/2.txt"), "a2\nb2\nxml2\n")
        let graph = try arrakis(["graph"], in: dir)
        XCTAssertTrue(graph.stdout.contains("b (3 instances)") && graph.stdout.contains("└── a (3 instances)"), graph.stdout)
        XCTAssertEqual(try dryRunPlan(in: dir).count, 0)
        // A change to a's output reaches report through b.
        try write(try read(dir + "/Arrakisfile").replacingOccurrences(of: "echo a{x}", with: "echo A{x}"), to: dir + "/Arrakisfile")
        XCTAssertEqual(try arrakis(["build", "--progress", "quiet"], in: dir).status, 0)
        XCTAssertEqual(try read(dir + "/report/3.txt"), "A3\nb3\nxml3\n")
    }

    /// The 1-based line of the first line starting with `prefix` in a project's Arrakisfile.
    func lineOf(_ prefix: String, in dir: String) throws -> Int {
        let lines = try read(dir + "/Arrakisfile").split(separator: "\n", omittingEmptySubsequences: false)
        return (lines.firstIndex { $0.hasPrefix(prefix) } ?? -1) + 1
    }
}
