import Foundation
import XCTest

/// The `executor slurm` block and options (no cluster needed), what reaches a job's script
/// and command line, and Ctrl-C.
final class SlurmSettingsTests: XCTestCase {
    func testABadSettingNamesItsFileLineAndColumn() throws {
        let dir = try scratchDirectory(self)
        try write("""
        executor slurm {
            max_jobs "lots"
        }
        product a { output "a.txt"; shell "echo a > {output}" }
        """, to: dir + "/Arrakisfile")
        let r = try arrakis(["build", "--executor", "slurm"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.hasPrefix("""
        Arrakisfile:2:14: error: 'max_jobs' in the 'executor slurm' block must be a positive integer (as in max_jobs 64), found the string "lots"
                max_jobs "lots"
                         ^
        """), r.stderr)

        try write("""
        executor slurm {
            partition "work"
            acount "ja3"
        }
        product a { output "a.txt"; shell "echo a > {output}" }
        """, to: dir + "/Arrakisfile")
        let unknown = try arrakis(["build", "--dry-run"], in: dir)
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.hasPrefix("Arrakisfile:3:5: error: unknown setting 'acount' in the 'executor slurm' block (did you mean 'account'?)"),
                      unknown.stderr)

        try write("product a { output \"a.txt\"; shell \"echo a > {output}\" }\n", to: dir + "/Arrakisfile")
        let executor = try arrakis(["build", "--executor", "condor"], in: dir)
        XCTAssertEqual(executor.status, 64, "a usage error")
        XCTAssertTrue(executor.stderr.contains("The value 'condor' is invalid for '--executor <executor>'. Please provide one of 'local' and 'slurm'."),
                      executor.stderr)
    }

    /// The block's settings reach the job script; a password given in the environment
    /// reaches the task but neither the script nor any command line.
    func testSettingsReachTheJobScriptAndSecretsStayInTheEnvironment() throws {
        try SlurmCluster.require()
        let dir = try scratchDirectory(self)
        try write("""
        executor slurm {
            sbatch "--comment=arrakis-test"
            prologue ["export FROM_PROLOGUE=yes"]
            time "5m"
        }
        product probe {
            output "probe.txt"
            shell "(echo prologue=$FROM_PROLOGUE; test -n \\"$ARRAKIS_DB_PASSWORD\\" && echo password-in-environment; cat .arrakis/slurm/*/job.sh; ps -eo args; scontrol show job $SLURM_JOB_ID) > {output}"
        }
        """, to: dir + "/Arrakisfile")
        let secret = "s3cret-\(UInt32.random(in: 0...UInt32.max))"
        let r = try arrakis(["build", "--executor", "slurm", "--poll", "1"], in: dir,
                            environment: ["ARRAKIS_DB_PASSWORD": secret])
        XCTAssertEqual(r.status, 0, r.stderr)
        let probe = try read(dir + "/probe.txt")
        XCTAssertTrue(probe.contains("prologue=yes"), probe)
        XCTAssertTrue(probe.contains("password-in-environment"), probe)
        XCTAssertTrue(probe.contains("#SBATCH --comment=arrakis-test"), probe)
        XCTAssertTrue(probe.contains("#SBATCH --time=00:06:00"), probe)
        XCTAssertTrue(probe.contains("run-task"), probe)
        XCTAssertFalse(probe.contains(secret), "the password shows in a job script, a command line or the job record")
    }

    /// Ctrl-C (SIGINT) cancels the build's jobs.
    func testInterruptCancelsTheJobs() throws {
        try SlurmCluster.require()
        let dir = try scratchDirectory(self)
        try write("""
        product slow {
            for i in range(0, 6)
            output "slow/{i}.txt"
            shell "sleep 30; echo {i} > {output}"
        }
        """, to: dir + "/Arrakisfile")
        let process = try arrakisProcess(["build", "--executor", "slurm", "--poll", "1", "--tasks-per-job", "1",
                                          "--progress", "plain"], in: dir)
        let err = StderrReader(process)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        err.start()
        var job = ""
        XCTAssertTrue(try SlurmCluster.wait(30) {
            job = SlurmCluster.submittedJobs(in: dir).first ?? ""
            guard !job.isEmpty else { return false }
            return try SlurmCluster.run("squeue", ["-h", "-j", job, "-t", "RUNNING", "-o", "%i"]).stdout.contains(job)
        })
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let stderr = err.text()
        XCTAssertEqual(process.terminationStatus, 130, stderr)
        XCTAssertTrue(stderr.contains("cancelling 1 SLURM job(s): \(job)"), stderr)
        XCTAssertTrue(try SlurmCluster.wait(15) {
            try SlurmCluster.run("squeue", ["-h", "-j", job, "-o", "%i"]).stdout.isEmpty
        }, "job \(job) still queued or running after Ctrl-C")
        XCTAssertEqual(((try? FileManager.default.contentsOfDirectory(atPath: dir + "/slow")) ?? []).filter { !$0.contains("arrakis-tmp") }, [])
    }

    /// A product's own partition wins over the block's; a partition the cluster does not
    /// have fails its tasks with sbatch's message.
    func testAProductsPartitionAndAnSbatchRefusal() throws {
        try SlurmCluster.require()
        let dir = try scratchDirectory(self)
        let partition = try SlurmCluster.run("sinfo", ["-h", "-o", "%R"]).stdout.split(separator: "\n").first.map(String.init) ?? "debug"
        try write("""
        executor slurm { partition "no_such_partition" }
        product here {
            output "here.txt"
            shell "echo $SLURM_JOB_PARTITION > {output}"
            partition "\(partition)"
        }
        product nowhere {
            output "nowhere.txt"
            shell "echo never > {output}"
        }
        """, to: dir + "/Arrakisfile")
        let r = try arrakis(["build", "-k", "--executor", "slurm", "--poll", "1", "--progress", "plain"], in: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(try read(dir + "/here.txt"), partition + "\n")
        XCTAssertTrue(r.stderr.contains("FAILED nowhere: sbatch failed"), r.stderr)
        XCTAssertTrue(r.stderr.lowercased().contains("partition"), r.stderr)
    }
}
