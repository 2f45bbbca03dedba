import Foundation
import TestServers
import XCTest

/// Issue 9: a new epoch plans exactly its own products, and nothing of epoch 0 is touched,
/// with the embedded pipeline database, with the MongoDB backend and built through SLURM.
final class NewEpochTests: XCTestCase {
    /// Products over the whole survey, which every new epoch changes.
    let aggregates: Set<String> = ["survey_catalogue", "validation"]

    /// Path -> (modification time, bytes) of every file under `dir`.
    func snapshot(_ dir: String) throws -> [String: (Date, Data)] {
        var out: [String: (Date, Data)] = [:]
        let fm = FileManager.default
        for case let p as String in fm.enumerator(atPath: dir)! {
            let attrs = try fm.attributesOfItem(atPath: dir + "/" + p)
            guard attrs[.type] as? FileAttributeType == .typeRegular else { continue }
            out[p] = (attrs[.modificationDate] as! Date, try Data(contentsOf: URL(fileURLWithPath: dir + "/" + p)))
        }
        return out
    }

    /// The field keys an epoch observed, from its RACS database table (independent of the
    /// pipeline: SBID >= 0 rows, epoch 0's `_test4_1.05_` dropped).
    func observedFields(_ survey: String, epoch: Int) throws -> Set<String> {
        let lines = try read("\(survey)/db/epoch_\(epoch)/field_data.csv").split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        let name = lines[0].firstIndex(of: "FIELD_NAME")!, sbid = lines[0].firstIndex(of: "SBID")!
        return Set(lines.dropFirst().filter { Int($0[sbid])! >= 0 }.map { $0[name].replacingOccurrences(of: "_test4_1.05_", with: "_") })
    }

    func testANewEpochPlansExactlyItsProductsAndLeavesEpochZeroAlone() throws {
        try newEpoch(environment: ["ARRAKIS_SURVEY": "survey", "ARRAKIS_DATABASE": "sqlite:work/pipeline.db"])
    }

    /// The same on the MongoDB backend (the wire-protocol test server; the password reaches
    /// arrakis in its environment only).
    func testANewEpochOnTheMongoDBBackend() throws {
        let server = try MongoTestServer.start()   // its own: arrakis_epoch_0 and _1 are this survey's
        try newEpoch(environment: ["ARRAKIS_SURVEY": "survey", "ARRAKIS_DATABASE": server.url,
                                   "ARRAKIS_DB_PASSWORD": server.password])
    }

    /// The same built through the SLURM cluster: every task of both builds runs as an array
    /// element there (and writes epoch 1's results beside epoch 0's, which it must not touch).
    func testANewEpochBuiltThroughSlurm() throws {
        try SlurmCluster.require()
        try newEpoch(environment: ["ARRAKIS_SURVEY": "survey", "ARRAKIS_DATABASE": "sqlite:work/pipeline.db"], executor: .slurm)
    }

    func newEpoch(environment: [String: String], executor: TestExecutor = .local) throws {
        let dir = try scratchDirectory(self)
        let sim = try arrakis(["simulate", "full", "--ionosphere", "--fields", "3", "--epochs", "2", "--beams", "4",
                               "--sources", "24", "--channels", "12", "--npix", "64"], in: dir)
        XCTAssertEqual(sim.status, 0, sim.stderr)
        try write(try perFieldArrakisfile(), to: dir + "/Arrakisfile")
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/survey/db", withIntermediateDirectories: true)
        // The IONEX maps of every scan's day are there from the start (a new epoch's day
        // arriving with it would be the same: its maps are read only by its products).
        for p in ["catalogues", "truth.csv", "ionex", "db/epoch_0", "epoch_0"] {
            try fm.copyItem(atPath: "\(dir)/full/\(p)", toPath: "\(dir)/survey/\(p)")
        }
        try arrakisBuild(in: dir, environment: environment, executor: executor)
        let before = try snapshot(dir + "/work/epoch_0")
        XCTAssertGreaterThan(before.count, 50)

        // Epoch 1 arrives: its RACS database rows and its cubes.
        for p in ["db/epoch_1", "epoch_1"] { try fm.copyItem(atPath: "\(dir)/full/\(p)", toPath: "\(dir)/survey/\(p)") }
        let fields = try observedFields(dir + "/full", epoch: 1)
        XCTAssertFalse(fields.isEmpty)
        XCTAssertLessThan(fields.count, try observedFields(dir + "/full", epoch: 0).count, "epoch 1 re-observes some fields")
        var expected: Set<String> = ["sources[1]"]
        for f in fields {
            for family in perFieldFamilies { expected.insert("\(family)[1, \(f)]") }
        }
        let plan = try dryRunPlan(in: dir, environment: environment)
        XCTAssertTrue(plan.products.contains("survey_catalogue"))
        XCTAssertEqual(plan.products.subtracting(aggregates), expected)
        XCTAssertTrue(plan.tasks.allSatisfy { $0.product.contains("[1") || aggregates.contains($0.product) },
                      "nothing of epoch 0: \(plan.tasks)")

        let second = try arrakisBuild(in: dir, environment: environment, executor: executor)
        XCTAssertEqual(second.built, plan.count, "what was planned is what was built: \(second.stderr)")
        XCTAssertEqual(try dryRunPlan(in: dir, environment: environment).count, 0)
        let after = try snapshot(dir + "/work/epoch_0")
        XCTAssertEqual(Set(after.keys), Set(before.keys))
        for (p, (time, bytes)) in before {
            XCTAssertEqual(after[p]?.0, time, "\(p) keeps its modification time")
            XCTAssertEqual(after[p]?.1, bytes, "\(p) keeps its bytes")
        }
        XCTAssertTrue(fm.fileExists(atPath: dir + "/work/epoch_1/manifests"))
        if environment["ARRAKIS_DATABASE"]!.hasPrefix("mongodb:") {
            XCTAssertFalse(fm.fileExists(atPath: dir + "/work/pipeline.db"), "the MongoDB backend, not the embedded one")
        }
    }
}
