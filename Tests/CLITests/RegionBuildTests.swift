import Astro
import Foundation
import XCTest

/// Issue 22: the merged region (the original's spice_region). An island that several fields
/// see is mosaicked once from every beam of all of them: one row per component and epoch,
/// with a smaller error than either field alone measures, and the sky's RM recovered.
final class RegionBuildTests: XCTestCase {
    static let environment = ["ARRAKIS_SURVEY": "survey", "ARRAKIS_DATABASE": "sqlite:work/pipeline.db"]

    /// Three overlapping fields (the default strip), sparse and with low noise, so that many
    /// components in the overlaps are bright enough to compare.
    func survey(in dir: String, sources: Int = 90, epochs: Int = 1) throws {
        var p = SurveyParameters()
        p.seed = 22
        p.fields = 3
        p.epochs = epochs
        p.beams = 4
        p.sources = sources
        p.npix = 96
        p.channels = 72
        p.channelWidth = 4e6
        p.channelNoise = 1.0e-4
        p.ionosphere = true
        try SurveySimulator(p).write(to: dir + "/survey")
    }

    struct Row {
        var id: String, field: String, fields: [String], epoch: Int
        var rm, rmErr, snr, noise: Double
    }

    func rows(_ path: String) throws -> [Row] {
        let c = try CatalogueColumns(path)
        let ids = try c.texts("cat_id"), field = try c.texts("field"), fields = try c.texts("fields"), epochs = try c.integers("field_epoch")
        let rm = try c.reals("rm"), err = try c.reals("rm_err"), snr = try c.reals("snr_polint"), noise = try c.reals("fdf_noise_th")
        return (0..<c.rowCount).map {
            Row(id: ids[$0], field: field[$0], fields: fields[$0].split(separator: ",").map(String.init), epoch: epochs[$0] ?? -1,
                rm: rm[$0], rmErr: err[$0], snr: snr[$0], noise: noise[$0])
        }
    }

    func fieldNames(_ dir: String, epoch: Int = 0) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir + "/survey/epoch_\(epoch)").filter { $0.hasPrefix("RACS_") }.sorted()
    }

    /// Acceptance 1: every component at most once per epoch; in the overlaps a smaller error
    /// than either field's own measurement; the sky's RM recovered for the bright ones.
    func testOneRowPerComponentWithTheSensitivityOfEveryFieldThatSeesIt() throws {
        let dir = try scratchDirectory(self)
        try survey(in: dir, epochs: 2)
        try FileManager.default.copyItem(atPath: repositoryRoot + "/Arrakisfile", toPath: dir + "/Arrakisfile")
        // The survey catalogue (from the region) and every field's own catalogue.
        let r = try arrakis(["build", "-j", "2", "--progress", "plain", "survey_catalogue", "catalogue"], in: dir, environment: Self.environment)
        XCTAssertEqual(r.status, 0, r.stderr)

        let merged = try rows(dir + "/work/catalogue.fits")
        var seen: [String: Int] = [:]
        for row in merged { seen["\(row.epoch)/\(row.id)", default: 0] += 1 }
        XCTAssertEqual(seen.values.filter { $0 > 1 }.count, 0, "components twice in an epoch: \(seen.filter { $0.value > 1 }.keys.sorted())")
        XCTAssertTrue(merged.allSatisfy { $0.field == "merged" }, "every row was measured in the merged region")

        // Every component a field measured is in the region's catalogue, and the other way.
        var single: [String: [Row]] = [:]
        for epoch in 0..<2 {
            for field in try fieldNames(dir, epoch: epoch) {
                let path = dir + "/work/epoch_\(epoch)/catalogues/\(field).fits"
                guard FileManager.default.fileExists(atPath: path) else { continue }
                for row in try rows(path) { single["\(epoch)/\(row.id)", default: []].append(row) }
            }
        }
        XCTAssertEqual(Set(single.keys), Set(seen.keys), "the region's components are the fields' components")

        var overlaps = 0, compared = 0, smaller = 0, worse: [String] = []
        for row in merged where row.fields.count > 1 {
            overlaps += 1
            let fields = try XCTUnwrap(single["\(row.epoch)/\(row.id)"], "\(row.id): no single-field row")
            XCTAssertEqual(Set(fields.map(\.field)), Set(row.fields), "\(row.id): the fields column names the fields that measured it")
            for f in fields where f.noise.isFinite {
                XCTAssertLessThan(row.noise, f.noise, "\(row.id): the region's FDF noise vs \(f.field)'s")
            }
            // Where the component is detected in the region, its RM error is smaller than each field's.
            guard row.snr > 10 else { continue }
            compared += 1
            if fields.allSatisfy({ !$0.rmErr.isFinite || row.rmErr < $0.rmErr }) { smaller += 1 } else {
                worse.append("\(row.id): \(row.rmErr) vs " + fields.map { "\($0.field) \($0.rmErr) (snr \($0.snr))" }.joined(separator: ", "))
            }
        }
        XCTAssertGreaterThanOrEqual(overlaps, 10, "the simulated fields should overlap")
        XCTAssertGreaterThanOrEqual(compared, 5, "too few bright components in the overlaps to compare")
        XCTAssertEqual(smaller, compared, worse.joined(separator: "\n"))

        let truth = try SimulatedTruth(survey: dir + "/survey")
        var bright = 0, within = 0, misses: [String] = []
        for row in merged where row.snr > 10 && truth.isolated.contains(row.id) {
            let sky = try XCTUnwrap(truth.rm[row.id])
            bright += 1
            if abs(row.rm - sky) < 3 * row.rmErr { within += 1 } else {
                misses.append("\(row.id) epoch \(row.epoch) (\(row.fields.joined(separator: "+"))): rm \(row.rm) +- \(row.rmErr), sky \(sky)")
            }
        }
        XCTAssertGreaterThanOrEqual(bright, 20, "too few bright unconfused components to test")
        XCTAssertGreaterThanOrEqual(Double(within), 0.95 * Double(bright), misses.joined(separator: "\n"))
        print("region: \(merged.count) rows, \(overlaps) seen by more than one field; \(smaller) of \(compared) bright ones in overlaps with a smaller rm_err; \(within) of \(bright) bright unconfused within 3 rm_err")
    }

    /// Acceptance 2: a field added to the region remakes the islands it sees (new ones and
    /// those it overlaps) and the region's aggregates, nothing else.
    func testAddingAFieldPlansExactlyTheIslandsItOverlapsAndTheAggregates() throws {
        let dir = try scratchDirectory(self)
        try survey(in: dir, sources: 40)
        let fields = try fieldNames(dir)
        XCTAssertEqual(fields.count, 3)
        let root = try read(repositoryRoot + "/Arrakisfile")
        func withRegion(_ names: [String]) throws -> String {
            let all = "param fields = \"all\""
            guard root.contains(all) else { throw XCTSkip("the root Arrakisfile's region has no `\(all)`") }
            return root.replacingOccurrences(of: all, with: "param fields = \"\(names.joined(separator: " "))\"")
        }
        try write(try withRegion(Array(fields.prefix(2))), to: dir + "/Arrakisfile")
        let first = try arrakis(["build", "-j", "2", "--progress", "plain"], in: dir, environment: Self.environment)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(try dryRunPlan(in: dir, environment: Self.environment).count, 0, "up to date")

        // Add the third field. Before the region is merged again, the plan says so and the
        // per-island fan-out waits for it.
        try write(try withRegion(fields), to: dir + "/Arrakisfile")
        let waiting = try dryRunPlan(in: dir, environment: Self.environment)
        XCTAssertTrue(waiting.products.contains("region[0]"), "the region is merged again: \(waiting.products.sorted())")

        // Merging is cheap (tables only); then the plan is exact.
        let merged = try arrakis(["build", "--progress", "plain", "region"], in: dir, environment: Self.environment)
        XCTAssertEqual(merged.status, 0, merged.stderr)
        let plan = try dryRunPlan(in: dir, environment: Self.environment)

        // The islands the new field sees: its own, and those it shares with the others.
        struct Table: Decodable { struct Island: Decodable { var Source_ID: String }; var islands: [Island] }
        let added = try JSONDecoder().decode(Table.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/work/epoch_0/fields/\(fields[2]).json")))
        let islands = Set(added.islands.map(\.Source_ID))
        XCTAssertFalse(islands.isEmpty)
        var expected: Set<String> = ["region_catalogue[0, merged]", "survey_catalogue", "validation"]
        for island in islands {
            for family in ["region_mosaics", "region_spectra", "region_frion", "region_rmsynth", "region_rmclean"] {
                expected.insert("\(family)[0, merged, \(island)]")
            }
        }
        // (The third field's cutouts were made by the first build: the region reads every field's.)
        XCTAssertEqual(plan.products.subtracting(expected).sorted(), [], "planned beyond the islands it sees")
        XCTAssertEqual(expected.subtracting(plan.products).sorted(), [], "not planned")
        let shared = islands.filter { try! read(dir + "/work/epoch_0/regions/merged/islands/\($0).json").contains("\"fields\":[\"\(fields[1])\",\"\(fields[2])\"]") }
        XCTAssertFalse(shared.isEmpty, "the new field overlaps islands the region already had")
    }

    /// A field whose cutouts fail leaves the region unmerged: the per-island products say
    /// they wait for it, rather than failing to read a manifest that was never written.
    func testAFailedFieldLeavesTheRegionUnmergedAndSaysSo() throws {
        let dir = try scratchDirectory(self)
        let sim = try arrakis(["simulate", "survey", "--ionosphere", "--fields", "2", "--epochs", "1", "--beams", "2",
                               "--sources", "10", "--channels", "12", "--npix", "48"], in: dir)
        XCTAssertEqual(sim.status, 0, sim.stderr)
        try FileManager.default.copyItem(atPath: repositoryRoot + "/Arrakisfile", toPath: dir + "/Arrakisfile")
        let field = try fieldNames(dir)[0]
        let cube = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: dir + "/survey/epoch_0/" + field)
            .first { $0.hasPrefix("image.restored.q.") })
        let path = dir + "/survey/epoch_0/" + field + "/" + cube
        try Data(try Data(contentsOf: URL(fileURLWithPath: path)).prefix(3000)).write(to: URL(fileURLWithPath: path))
        let r = try arrakis(["build", "-k", "--progress", "plain"], in: dir, environment: Self.environment)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("FAILED cutouts[0, \(field)]"), r.stderr)
        XCTAssertTrue(r.stderr.contains("product 'region_mosaics' not expanded: region did not build"), r.stderr)
        XCTAssertFalse(r.stderr.contains("cannot read manifest"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/work/epoch_0/regions/merged.tsv"), "no region was merged")
    }
}
