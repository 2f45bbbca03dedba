import Foundation
import XCTest

/// Builds through a real SLURM cluster (scripts/slurm-local.sh): outputs identical to a local
/// build's, submitted as job arrays.
final class SlurmBuildTests: XCTestCase {
    static let slurmArgs = SlurmCluster.buildOptions

    func testShellDemoBuildsThroughSlurmAsALocalBuildDoes() throws {
        try SlurmCluster.require()
        let local = try copyOfExample("shell-demo", self)
        let slurm = try copyOfExample("shell-demo", self)
        let l = try arrakis(["build", "-j", "2"], in: local)
        XCTAssertEqual(l.status, 0, l.stderr)
        let s = try arrakis(["build"] + Self.slurmArgs, in: slurm)
        XCTAssertEqual(s.status, 0, s.stderr)
        XCTAssertTrue(s.stderr.contains("11 built"), s.stderr)

        let expected = try fileContents(under: local)
        XCTAssertEqual(expected.keys.filter { $0.hasPrefix("counts/") }.count, 5)
        XCTAssertEqual(try fileContents(under: slurm), expected)
        XCTAssertEqual(try dryRunPlan(in: slurm).count, 0)
        let again = try arrakis(["build"] + Self.slurmArgs, in: slurm)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("0 built, 11 up to date"), again.stderr)

        // Job arrays: 11 tasks in fewer sbatch calls (one per wave of ready tasks at most),
        // and every job the cluster ran for them is an element of one of those arrays.
        let jobs = SlurmCluster.submittedJobs(in: slurm)
        XCTAssertEqual(SlurmCluster.submittedTasks(in: slurm), 11)
        XCTAssertLessThanOrEqual(jobs.count, 4, "one sbatch per wave, not per task")
        XCTAssertTrue(try SlurmCluster.wait(10) { try SlurmCluster.finishedJobs().filter { jobs.contains($0.arrayJob) }.count == 11 })
        let ran = try SlurmCluster.finishedJobs().filter { jobs.contains($0.arrayJob) }
        XCTAssertEqual(Set(ran.map(\.arrayJob)), Set(jobs), "every submission is an array job")
        XCTAssertGreaterThan(ran.count, jobs.count)
        // The state of finished submissions is cleaned up; the log of submissions stays.
        let left = try FileManager.default.contentsOfDirectory(atPath: slurm + "/.arrakis/slurm")
        XCTAssertEqual(left, ["submissions.log"])
    }

    func testSimulatedSurveyBuildsThroughSlurmAsALocalBuildDoes() throws {
        try SlurmCluster.require()
        let environment = ["ARRAKIS_SURVEY": "survey", "ARRAKIS_DATABASE": "sqlite:work/pipeline.db"]
        func project() throws -> String {
            let dir = try scratchDirectory(self)
            let sim = try arrakis(["simulate", "survey", "--ionosphere", "--fields", "2", "--epochs", "2", "--beams", "4",
                                   "--sources", "16", "--channels", "12", "--npix", "64"], in: dir)
            XCTAssertEqual(sim.status, 0, sim.stderr)
            try write(try perFieldArrakisfile(), to: dir + "/Arrakisfile")
            return dir
        }
        let local = try project(), slurm = try project()
        let l = try arrakis(["build", "-j", "2", "--progress", "quiet"], in: local, environment: environment)
        XCTAssertEqual(l.status, 0, l.stderr)
        let s = try arrakis(["build"] + Self.slurmArgs, in: slurm, environment: environment)
        XCTAssertEqual(s.status, 0, s.stderr)

        // Every product, byte for byte (the pipeline database is compared by its results:
        // the catalogues are made from it). Manifests' `inputs` column digests the input
        // files' timestamps, which differ between two simulated surveys; it is left out.
        let skip: (String) -> Bool = { $0.hasPrefix("pipeline.db") }
        let expected = try Self.withoutInputsColumn(fileContents(under: local + "/work", skip: skip))
        XCTAssertGreaterThan(expected.count, 50)
        let got = try Self.withoutInputsColumn(fileContents(under: slurm + "/work", skip: skip))
        XCTAssertEqual(Set(got.keys), Set(expected.keys))
        for (path, data) in expected where got[path] != data {
            XCTFail("\(path) differs between the local and the SLURM build")
        }
        XCTAssertEqual(try dryRunPlan(in: slurm, environment: environment).count, 0)
        let jobs = SlurmCluster.submittedJobs(in: slurm)
        let tasks = SlurmCluster.submittedTasks(in: slurm)
        XCTAssertLessThan(jobs.count, tasks, "tasks go out as arrays")
    }

    /// Manifests (TSV with a header) without their `inputs` column.
    static func withoutInputsColumn(_ files: [String: Data]) -> [String: Data] {
        files.mapValues { data in
            let text = String(decoding: data, as: UTF8.self)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            guard let header = lines.first, let column = header.split(separator: "\t").firstIndex(of: "inputs") else { return data }
            return Data(lines.map { line in
                var cells = line.split(separator: "\t", omittingEmptySubsequences: false)
                if column < cells.count { cells.remove(at: column) }
                return cells.joined(separator: "\t")
            }.joined(separator: "\n").utf8)
        }
    }
}
