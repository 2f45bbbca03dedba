import Foundation
import TestServers
import XCTest

/// The SLURM cluster the SLURM tests submit to: `scripts/slurm-local.sh start` (which
/// `scripts/test.sh` runs, exporting `ARRAKIS_SLURM_CLUSTER=up` and `SLURM_CONF`), or any
/// cluster `SLURM_CONF` points at. When the test script started the cluster the tests must
/// reach it: they fail rather than skip.
enum SlurmCluster {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// `arrakis build` options that send the tasks to the cluster, polled every second.
    static let buildOptions = ["--executor", "slurm", "--poll", "1", "--progress", "plain"]

    /// Skips (no cluster configured) or fails (a cluster was promised but does not answer).
    static func require(file: StaticString = #filePath, line: UInt = #line) throws {
        let promised = environment["ARRAKIS_SLURM_CLUSTER"] == "up"
        guard environment["SLURM_CONF"] != nil || promised else {
            throw XCTSkip("no SLURM cluster: run scripts/test.sh, or scripts/slurm-local.sh start and export SLURM_CONF")
        }
        if let message = problem {
            if promised {
                XCTFail(message, file: file, line: line)
                throw XCTSkip("see the failure above")
            }
            throw XCTSkip(message)
        }
    }

    /// Why the cluster cannot be used, or nil; asked once per test run (sinfo retries for a
    /// minute when it cannot reach the controller).
    static let problem: String? = {
        guard let r = try? run("sinfo", ["-h", "-o", "%T"]) else { return "cannot run sinfo" }
        if r.status != 0 || r.stdout.isEmpty {
            return "the SLURM cluster does not answer (SLURM_CONF=\(environment["SLURM_CONF"] ?? "unset")): \(r.stderr)"
        }
        return nil
    }()

    /// Runs a SLURM client command.
    @discardableResult
    static func run(_ tool: String, _ args: [String]) throws -> RunResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [tool] + args
        return try runToEnd(p)
    }

    /// The job ids of `.arrakis/slurm/submissions.log` in a project (one line per sbatch).
    static func submittedJobs(in dir: String) -> [String] {
        let text = (try? String(contentsOfFile: dir + "/.arrakis/slurm/submissions.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            guard let i = words.firstIndex(of: "job"), i + 1 < words.count else { return nil }
            return String(words[i + 1])
        }
    }

    /// Tasks submitted, summed over `submissions.log`.
    static func submittedTasks(in dir: String) -> Int {
        let text = (try? String(contentsOfFile: dir + "/.arrakis/slurm/submissions.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").reduce(0) { sum, line in
            let words = line.split(separator: " ")
            guard let i = words.firstIndex(of: "tasks"), i + 1 < words.count, let n = Int(words[i + 1]) else { return sum }
            return sum + n
        }
    }

    /// What the cluster recorded of finished jobs (`sacct`, or without an accounting
    /// database the job completion log of scripts/slurm-local.sh): (job id, array job id).
    static func finishedJobs() throws -> [(job: String, arrayJob: String)] {
        let sacct = try run("sacct", ["-n", "-P", "-X", "-a", "-o", "JobID,JobIDRaw"])
        if sacct.status == 0 {
            // JobID is ARRAYJOB_INDEX for an array element.
            return sacct.stdout.split(separator: "\n").map { line in
                let f = line.split(separator: "|").map(String.init)
                return (f.count > 1 ? f[1] : f[0], String(f[0].split(separator: "_").first ?? ""))
            }
        }
        let conf = try String(contentsOfFile: environment["SLURM_CONF"] ?? "", encoding: .utf8)
        guard let loc = conf.split(separator: "\n").first(where: { $0.hasPrefix("JobCompLoc=") }) else {
            throw XCTSkip("the cluster keeps no job records (no sacct, no JobCompLoc)")
        }
        let log = (try? String(contentsOfFile: String(loc.dropFirst("JobCompLoc=".count)), encoding: .utf8)) ?? ""
        return log.split(separator: "\n").compactMap { line in
            var f: [String: String] = [:]
            for w in line.split(separator: " ") {
                let kv = w.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                if kv.count == 2 { f[String(kv[0])] = String(kv[1]) }
            }
            guard let id = f["JobId"] else { return nil }
            return (id, f["ArrayJobId"] ?? "")
        }
    }

    /// Whether `condition` held within `seconds` (the cluster's own deadlines: how soon
    /// something must happen is what these tests check).
    static func wait(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        try Poll.until(timeout: seconds, condition)
    }
}

/// Where a test's `arrakis build` runs its tasks.
enum TestExecutor: Equatable {
    /// This machine, two tasks at once.
    case local
    /// The SLURM cluster (after `SlurmCluster.require()`).
    case slurm

    var buildOptions: [String] { self == .local ? ["-j", "2", "--progress", "plain"] : SlurmCluster.buildOptions }
}

/// `arrakis build ARGS` on `executor`, which must succeed. Through SLURM every task it built
/// must have gone to the cluster: the tasks it submitted (`submissions.log`) are as many as
/// its summary's "N built".
@discardableResult
func arrakisBuild(_ args: [String] = [], in dir: String, environment: [String: String], executor: TestExecutor,
                  file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
    let submitted = SlurmCluster.submittedTasks(in: dir)
    let r = try arrakis(["build"] + executor.buildOptions + args, in: dir, environment: environment)
    XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
    XCTAssertNotNil(r.built, "a summary: \(r.stderr)", file: file, line: line)
    XCTAssertEqual(r.builtProducts.count, r.built, "a line per product built: \(r.stderr)", file: file, line: line)
    let sent = SlurmCluster.submittedTasks(in: dir) - submitted
    XCTAssertEqual(sent, executor == .slurm ? r.built ?? -1 : 0, "tasks submitted to SLURM: \(r.stderr)", file: file, line: line)
    return r
}

extension RunResult {
    /// N of the build summary's "arrakis: N built".
    var built: Int? {
        guard let range = stderr.range(of: #"arrakis: [0-9]+ built"#, options: .regularExpression) else { return nil }
        return Int(stderr[range].dropFirst("arrakis: ".count).prefix { $0.isNumber })
    }

    /// The products a `--progress plain` build ran: its `[i/n] PRODUCT (reason) 0.12s` lines.
    var builtProducts: Set<String> {
        Set(stderr.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("["), let close = line.firstIndex(of: "]"), let open = line.range(of: " (") else { return nil }
            let product = line[line.index(after: close)..<open.lowerBound].trimmingCharacters(in: .whitespaces)
            return product.isEmpty ? nil : product
        })
    }
}

/// Every file under `dir` (relative path -> contents), except arrakis's state and what
/// `skip` names.
func fileContents(under dir: String, skip: (String) -> Bool = { _ in false }) throws -> [String: Data] {
    var out: [String: Data] = [:]
    let fm = FileManager.default
    guard let e = fm.enumerator(atPath: dir) else { return out }
    while let rel = e.nextObject() as? String {
        if rel.hasPrefix(".arrakis") || skip(rel) { continue }
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: dir + "/" + rel, isDirectory: &isDir), !isDir.boolValue else { continue }
        out[rel] = fm.contents(atPath: dir + "/" + rel)
    }
    return out
}
