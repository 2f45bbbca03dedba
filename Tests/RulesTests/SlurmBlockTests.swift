import XCTest
@testable import Rules

/// `executor slurm { ... }` lowered in Rules: the typed block the CLI lays its options over.
final class SlurmBlockTests: XCTestCase {
    private func block(_ body: String, environment: [String: String] = [:]) throws -> SlurmBlock {
        let source = "executor slurm {\n\(body)\n}\nproduct a { output \"a.txt\"; shell \"true\" }\n"
        let project = try Project(path: "Arrakisfile", ast: try parse(source), environment: environment)
        return try project.slurmBlock(environment: environment)
    }

    func testNoBlockSetsNothing() throws {
        let project = try Project(path: "Arrakisfile", ast: try parse("product a { output \"a.txt\"; shell \"true\" }\n"), environment: [:])
        XCTAssertEqual(try project.slurmBlock(environment: [:]), SlurmBlock())
    }

    func testEverySetting() throws {
        let b = try block("""
            account "ja3"
            partition "work"
            qos "normal"
            time "1-00:00:00"
            mem "4GiB"
            cpus 2
            sbatch ["#SBATCH --constraint=skylake", "--mail-type=FAIL"]
            prologue "module load singularity"
            max_jobs 64
            min_jobs 4
            poll 2.5
            tasks_per_job 3
            job_time "2h"
            arrakis "/opt/arrakis"
        """)
        XCTAssertEqual(b.account, "ja3")
        XCTAssertEqual(b.partition, "work")
        XCTAssertEqual(b.qos, "normal")
        XCTAssertEqual(b.timeSeconds, 86400)
        XCTAssertEqual(b.memoryMB, 4096)
        XCTAssertEqual(b.cpus, 2)
        XCTAssertEqual(b.sbatchLines, ["--constraint=skylake", "--mail-type=FAIL"])
        XCTAssertEqual(b.prologue, ["module load singularity"])
        XCTAssertEqual(b.maxJobs, 64)
        XCTAssertEqual(b.minJobs, 4)
        XCTAssertEqual(b.pollSeconds, 2.5)
        XCTAssertEqual(b.tasksPerJob, 3)
        XCTAssertEqual(b.jobSeconds, 7200)
        XCTAssertEqual(b.arrakisPath, "/opt/arrakis")
    }

    func testValuesFromTheEnvironment() throws {
        let b = try block("    account env(\"ACCOUNT\", \"x\")\n    mem env(\"MEM\", \"1G\")", environment: ["ACCOUNT": "ja3", "MEM": "2 G"])
        XCTAssertEqual(b.account, "ja3")
        XCTAssertEqual(b.memoryMB, 2048)
    }

    func testABadValueNamesItsPosition() throws {
        let d = diagnostic { try self.block("    max_jobs \"lots\"") }
        XCTAssertEqual(d?.location.line, 2)
        XCTAssertEqual(d?.location.column, 14)
        XCTAssertEqual(d?.message, "'max_jobs' in the 'executor slurm' block must be a positive integer (as in max_jobs 64), found the string \"lots\"")
        let time = diagnostic { try self.block("    time \"1-24\"") }
        XCTAssertEqual(time?.message, "'time' in the 'executor slurm' block must be a duration like \"HH:MM:SS\", \"30m\" or \"2h\", or seconds as an integer, found the string \"1-24\"")
        let mem = diagnostic { try self.block("    mem \"4X\"") }
        XCTAssertEqual(mem?.message, "'mem' in the 'executor slurm' block must be megabytes as an integer or a size like \"4G\", found the string \"4X\"")
    }
}
