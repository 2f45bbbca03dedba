import Astro
import Foundation
import XCTest

/// Issue 22, acceptance 3: the field catalogues the root Arrakisfile builds on a simulated
/// survey hold `beamdist`, `separation_tile_centre`, `stokes{I,Q,U}_err` and
/// `stokes{I,Q,U}_bkg` as an independent measurement with astropy on the same mosaics gives
/// them (and the simulator's truth, where it applies), and pass rmtable's checks. The
/// catalogue's leakage envelope settings are params that rebuild only the catalogues.
final class CatalogueFidelityTests: XCTestCase {
    let environment = ["ARRAKIS_SURVEY": "survey", "ARRAKIS_DATABASE": "sqlite:work/pipeline.db"]
    let fields = ["RACS_1230-31A", "RACS_1239-31A"]

    /// A scratch project (one epoch, two overlapping fields, FRion) with its catalogues built.
    func builtProject() throws -> String {
        let dir = try scratchDirectory(self)
        let sim = try arrakis(["simulate", "survey", "--ionosphere", "--fields", "2", "--epochs", "1", "--beams", "4",
                               "--sources", "16", "--channels", "12", "--npix", "64"], in: dir)
        XCTAssertEqual(sim.status, 0, sim.stderr)
        try FileManager.default.copyItem(atPath: repositoryRoot + "/Arrakisfile", toPath: dir + "/Arrakisfile")
        let r = try arrakis(["build", "catalogue", "survey_catalogue"], in: dir, environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)
        return dir
    }

    /// What `Support/catalogue_fidelity.py` measured for one catalogue row.
    struct Measured: Decodable {
        var cat_id: String
        var tile_id: String
        var separation: Double
        var truth_separation: Double?
        var channels: Int
        var err: [Double?]
        var bkg: [Double?]
    }

    func measure(_ dir: String, field: String) throws -> [Measured] {
        struct Output: Decodable { var rows: [Measured] }
        let r = try python([repositoryRoot + "/Tests/CLITests/Support/catalogue_fidelity.py", dir, "0", field,
                            "work/epoch_0/manifests/\(field).frion.tsv"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return try JSONDecoder().decode(Output.self, from: r.stdout).rows
    }

    func testBeamdistNoiseAndBackgroundAgreeWithAstropyOnTheMosaics() throws {
        if let reason = pythonUnavailable("astropy, numpy") { XCTFail(reason); return }
        let dir = try builtProject()
        var flaggedSeen = false, otherTileSeen = false
        for field in fields {
            let cat = try PolarisationCatalogue.readFITS("\(dir)/work/epoch_0/catalogues/\(field).fits")
            let measured = try measure(dir, field: field)
            let ids = try XCTUnwrap(cat[column: "cat_id"]?.texts)
            XCTAssertEqual(measured.map(\.cat_id), ids)
            XCTAssertGreaterThan(ids.count, 3, field)
            func reals(_ name: String) throws -> [Double] { try XCTUnwrap(cat[column: name]?.reals, name) }
            let beamdist = try reals("beamdist"), separation = try reals("separation_tile_centre")
            let errors = try ["stokesI_err", "stokesQ_err", "stokesU_err"].map(reals)
            let backgrounds = try ["stokesI_bkg", "stokesQ_bkg", "stokesU_bkg"].map(reals)
            XCTAssertEqual(cat[column: "ionosphere"]?.texts, ids.map { _ in "FRion" }, "Q and U are FRion-corrected")
            for (k, m) in measured.enumerated() {
                let what = "\(field) \(m.cat_id)"
                XCTAssertEqual(beamdist[k], m.separation, accuracy: 1e-10, what)
                XCTAssertEqual(separation[k], m.separation, accuracy: 1e-10, what)
                if let truth = m.truth_separation {
                    // The simulator's Separation_Tile_Centre, where the Stokes I tile is this field.
                    XCTAssertEqual(beamdist[k], truth, accuracy: 1e-9, what)
                } else {
                    XCTAssertNotEqual(m.tile_id, field)
                    otherTileSeen = true
                }
                if m.channels < 12 { flaggedSeen = true }
                for s in 0..<3 {
                    let err = try XCTUnwrap(m.err[s], what), bkg = try XCTUnwrap(m.bkg[s], what)
                    XCTAssertEqual(errors[s][k], err, accuracy: 1e-9 * err, "\(what) stokes\("IQU".map(String.init)[s])_err")
                    XCTAssertEqual(backgrounds[s][k], bkg, accuracy: 1e-9 * abs(bkg) + 1e-15, "\(what) stokes\("IQU".map(String.init)[s])_bkg")
                }
            }
        }
        XCTAssertTrue(flaggedSeen, "some spectrum has flagged channels (the averages leave them out)")
        XCTAssertTrue(otherTileSeen, "an island on the overlap is measured from the other field's centre")
    }

    func testRMTablesChecksPassOnTheBuiltCatalogues() throws {
        if let reason = pythonUnavailable("rmtable, astropy, numpy") { XCTFail(reason); return }
        let dir = try builtProject()
        struct Report: Decodable {
            var rows: Int
            var verify_standard_strings: String
            var verify_limits: String
            var verify_ucds: String?
            var strict_ucd_errors: [String]
            var nonstandard_complex_test: [String]
        }
        let files = fields.flatMap { ["work/epoch_0/catalogues/\($0).xml", "work/epoch_0/catalogues/\($0).fits"] }
            + ["work/catalogue.xml", "work/catalogue.fits"]
        for file in files {
            let r = try python([repositoryRoot + "/Tests/AstroTests/Support/rmtable_check.py", dir + "/" + file])
            XCTAssertEqual(r.status, 0, "\(file): \(r.stderr)")
            let report = try JSONDecoder().decode(Report.self, from: r.stdout)
            XCTAssertGreaterThan(report.rows, 0, file)
            XCTAssertTrue(report.verify_standard_strings.contains("No problems found with standardized string entries."),
                          "\(file): \(report.verify_standard_strings)")
            XCTAssertEqual(report.verify_limits, "All columns conform with standard.\n", file)
            XCTAssertNil(report.verify_ucds, file)
            XCTAssertEqual(report.strict_ucd_errors, [], file)
            XCTAssertEqual(report.nonstandard_complex_test, [], file)
        }
    }

    func testLeakageSettingsAreParamsThatRebuildOnlyTheCatalogues() throws {
        let dir = try builtProject()
        let text = try read(dir + "/Arrakisfile")
        XCTAssertTrue(text.contains("product catalogue {\n"))
        let settings = "    param leakage_degree = 3\n    param leakage_bins = 12\n    param leakage_snr = 50\n"
        try write(text.replacingOccurrences(of: "product catalogue {\n", with: "product catalogue {\n" + settings)
                      .replacingOccurrences(of: "product region_catalogue {\n", with: "product region_catalogue {\n" + settings),
                  to: dir + "/Arrakisfile")
        // The default targets (the survey catalogue is the merged region's) ...
        let plan = try dryRunPlan(in: dir, environment: environment)
        XCTAssertEqual(Set(plan.tasks.map { String($0.product.prefix { $0 != "[" }) }),
                       ["region_catalogue", "survey_catalogue", "validation"], "\(plan.tasks)")
        let regionReason = try XCTUnwrap(plan.tasks.first { $0.product == "region_catalogue[0, merged]" }?.reason)
        XCTAssertTrue(regionReason.contains("leakage_"), regionReason)
        // ... and the per-field catalogues.
        let fieldPlan = try arrakis(["build", "--dry-run", "--json", "catalogue"], in: dir, environment: environment)
        XCTAssertEqual(fieldPlan.status, 0, fieldPlan.stderr)
        let tasks = try JSONDecoder().decode(DryRunPlan.self, from: Data(fieldPlan.stdout.utf8)).tasks
        XCTAssertEqual(Set(tasks.map(\.product)), Set(fields.map { "catalogue[0, \($0)]" }), "\(tasks)")
        for task in tasks { XCTAssertTrue(task.reason.contains("leakage_"), task.reason) }
        let r = try arrakis(["build", "catalogue"], in: dir, environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(Set(r.builtProducts.map { String($0.prefix { $0 != "[" }) }), ["catalogue"], r.stderr)

        // Out of range: refused when the Arrakisfile loads, naming the param.
        try write(text.replacingOccurrences(of: "product catalogue {\n", with: "product catalogue {\n    param leakage_bins = 0\n"),
                  to: dir + "/Arrakisfile")
        let refused = try arrakis(["build", "--dry-run"], in: dir, environment: environment)
        XCTAssertEqual(refused.status, 2, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("leakage_bins"), refused.stderr)
    }

    /// Nil when python3 can import `modules`, otherwise why not.
    func pythonUnavailable(_ modules: String) -> String? {
        guard let r = try? python(["-c", "import \(modules)"]) else { return "cannot run python3" }
        return r.status == 0 ? nil : "python3 cannot import \(modules) (run scripts/install-deps.sh --test): \(r.stderr)"
    }

    /// Runs python3; stdout and stderr through files so neither pipe can fill up.
    func python(_ arguments: [String]) throws -> (status: Int32, stdout: Data, stderr: String) {
        let directory = NSTemporaryDirectory() + "catalogue-fidelity-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let out = directory + "/out", err = directory + "/err"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + arguments
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        try p.run()
        p.waitUntilExit()
        return (p.terminationStatus, try Data(contentsOf: URL(fileURLWithPath: out)),
                (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }
}
