import Foundation
import XCTest

/// `build --dry-run --executor slurm` and `--print-job-scripts` with the local one-node
/// cluster's configuration but no cluster running: what would be submitted is shown and
/// written without any SLURM command; a build fails at once, saying what to do.
final class SlurmPreviewTests: XCTestCase {
    /// A project and the local cluster's slurm.conf (`scripts/slurm-local.sh config`: no daemons).
    func project() throws -> (dir: String, environment: [String: String]) {
        let dir = try scratchDirectory(self)
        try write("""
            executor slurm {
                partition "debug"
                account "ja3"
                time "10m"
                tasks_per_job 3
            }
            product a {
                for x in range(0, 10)
                output "a/{x}.txt"
                shell "echo {x} > {output}"
                cpus 2
                mem "1G"
            }
            product b {
                for x in range(0, 10)
                input a[x]
                output "b/{x}.txt"
                shell "cat {input} > {output}"
            }
            product summary {
                input b
                output "summary.txt"
                shell "cat {inputs} > {output}"
                partition "long"
                time "2h"
            }
            """, to: dir + "/Arrakisfile")
        let slurmDir = dir + "/cluster"
        let port = String(20000 + Int.random(in: 0..<20000))
        let config = Process()
        config.executableURL = URL(fileURLWithPath: repositoryRoot + "/scripts/slurm-local.sh")
        config.arguments = ["config"]
        var env = ProcessInfo.processInfo.environment
        env["ARRAKIS_SLURM_DIR"] = slurmDir
        env["ARRAKIS_SLURM_PORT"] = port
        config.environment = env
        let out = Pipe()
        config.standardOutput = out
        try config.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        config.waitUntilExit()
        XCTAssertEqual(config.terminationStatus, 0)
        XCTAssertEqual(text, "export SLURM_CONF=\(slurmDir)/slurm.conf\n")
        return (dir, ["SLURM_CONF": slurmDir + "/slurm.conf"])
    }

    func testDryRunShowsTheArraysItWouldSubmit() throws {
        let (dir, environment) = try project()
        let started = Date()
        let r = try arrakis(["build", "--dry-run", "--executor", "slurm"], in: dir, environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "no SLURM command may be waited for")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let table = lines.drop { !$0.hasPrefix("slurm: would submit") }
        XCTAssertEqual(table.first, "slurm: would submit 3 job arrays (sbatch calls) of 9 elements for 21 tasks, a step once the steps before it are built; at most 256 elements in flight (16 at first):")
        XCTAssertEqual(Array(table.dropFirst()).map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }, [
            "step products tasks elements tasks/element cpus mem time/element partition account qos",
            "1 a 10 4 3 2 1024M 00:31:00 debug ja3 -",
            "2 b 10 4 3 1 - 00:31:00 debug ja3 -",
            "3 summary 1 1 1 1 - 02:01:00 long ja3 -",
        ])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/.arrakis/slurm/submissions.log"), "nothing is submitted")
    }

    func testPrintJobScriptsWritesThemWithoutSubmitting() throws {
        let (dir, environment) = try project()
        let r = try arrakis(["build", "--executor", "slurm", "--print-job-scripts", "scripts"], in: dir, environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("wrote 3 job scripts to scripts (nothing submitted)"), r.stderr)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir + "/scripts").sorted()
        XCTAssertEqual(names, ["step1-array1.sh", "step2-array2.sh", "step3-array3.sh"])
        let first = try read(dir + "/scripts/step1-array1.sh")
        for line in ["#!/bin/bash", "#SBATCH --array=0-3", "#SBATCH --cpus-per-task=2", "#SBATCH --mem=1024M", "#SBATCH --time=00:31:00",
                     "#SBATCH --account=ja3", "#SBATCH --partition=debug", "# arrakis preview: 10 task(s) of a, 4 element(s) of 3;"] {
            XCTAssertTrue(first.split(separator: "\n").contains(Substring(line)), "\(line) in:\n\(first)")
        }
        XCTAssertTrue(first.contains(" run-task "), first)
        let last = try read(dir + "/scripts/step3-array3.sh")
        XCTAssertTrue(last.contains("#SBATCH --partition=long\n") && last.contains("#SBATCH --time=02:01:00\n"), last)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/a/0.txt"), "nothing ran")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/.arrakis/slurm/submissions.log"))

        let local = try arrakis(["build", "--print-job-scripts", "scripts"], in: dir, environment: environment)
        XCTAssertEqual(local.status, 2)
        XCTAssertTrue(local.stderr.contains("--print-job-scripts goes with --executor slurm"), local.stderr)
    }

    func testBuildWithoutAControllerFailsAtOnceWithAHint() throws {
        let (dir, environment) = try project()
        for env in [environment, ["SLURM_CONF": dir + "/no-such/slurm.conf"]] {
            let started = Date()
            let r = try arrakis(["build", "--executor", "slurm", "--progress", "plain"], in: dir, environment: env)
            let seconds = Date().timeIntervalSince(started)
            XCTAssertNotEqual(r.status, 0)
            XCTAssertLessThan(seconds, 2, "a missing controller took \(seconds) s to report")
            XCTAssertTrue(r.stderr.contains("scripts/slurm-local.sh start") && r.stderr.contains("--dry-run --executor slurm"), r.stderr)
            if env == environment {
                XCTAssertTrue(r.stderr.contains("the SLURM controller is not answering: `scontrol ping` (exit 1) said: Slurmctld(primary) at "), r.stderr)
                XCTAssertFalse(r.stderr.contains("****"), r.stderr)
            } else {
                XCTAssertTrue(r.stderr.contains("SLURM_CONF is \(dir)/no-such/slurm.conf, which does not exist"), r.stderr)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/a/0.txt"))
        }
    }
}
