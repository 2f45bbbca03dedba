import Foundation

/// The SLURM commands the controller runs (`sbatch`, `squeue`, `scancel`, `sacct` or
/// `scontrol`), found on PATH and pointed at the cluster by the environment (`SLURM_CONF`).
struct SlurmClient {
    /// One array element in the queue (`squeue -r`).
    struct QueueEntry: Equatable {
        var arrayJobID: String
        var index: Int
        var name: String
        var state: SlurmJobState
        var reason: String
    }

    /// How an element ended, from accounting (`sacct`) or the controller's memory (`scontrol`).
    struct EndState: Equatable {
        var state: SlurmJobState
        var exitCode: String
        var node: String
        var reason: String
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `tool ARGS` (from PATH) and collects its output; with a `timeout`, a command
    /// still running then is stopped and nil returned.
    func run(_ tool: String, _ args: [String], timeout: Double) throws -> Output? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [tool] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { throw SlurmError("cannot run \(tool): \(error)") }
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning, Date() < deadline { usleep(10_000) }
        if p.isRunning {
            p.terminate()
            p.waitUntilExit()
            return nil
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        if p.terminationStatus == 127 {
            throw SlurmError("\(tool) not found on PATH (is this a SLURM login node? scripts/slurm-local.sh starts a cluster on this machine)")
        }
        return Output(status: p.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: "")
    }

    /// Fails at once, with what to do, when the cluster cannot take work: no SLURM tools,
    /// a SLURM_CONF that names no file, or a controller that does not answer `scontrol ping`
    /// (which answers in milliseconds either way, where squeue or sbatch would retry for
    /// many seconds).
    func preflight(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let hint = "start the cluster's controller (on this machine: scripts/slurm-local.sh start, then export the SLURM_CONF it prints), point SLURM_CONF at the cluster's slurm.conf, or build with --executor local; `arrakis build --dry-run --executor slurm` shows what would be submitted without a cluster"
        if let conf = environment["SLURM_CONF"], !FileManager.default.fileExists(atPath: conf) {
            throw SlurmError("SLURM_CONF is \(conf), which does not exist: \(hint)")
        }
        let where_ = environment["SLURM_CONF"].map { " (SLURM_CONF=\($0))" } ?? ""
        guard let r = try run("scontrol", ["ping"], timeout: 2) else {
            throw SlurmError("`scontrol ping` did not answer within 2 s\(where_): \(hint)")
        }
        // Without scontrol's banner of asterisks.
        let said = Self.trimmed(r.stdout.split(separator: "\n").filter { !$0.hasPrefix("*") }.joined(separator: "\n"))
        guard r.status == 0, said.contains("is UP") else {
            throw SlurmError("the SLURM controller is not answering: `scontrol ping` (exit \(r.status)) said: \(said.isEmpty ? "nothing" : said)\(where_); \(hint)")
        }
    }

    /// Runs `tool ARGS` (from PATH) and collects its output.
    func run(_ tool: String, _ args: [String]) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [tool] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { throw SlurmError("cannot run \(tool): \(error)") }
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !reader.isFinished { usleep(500) }
        if p.terminationReason == .exit && p.terminationStatus == 127 {
            throw SlurmError("\(tool) not found on PATH (is this a SLURM login node? scripts/slurm-local.sh starts a cluster on this machine)")
        }
        return Output(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Submits a job script; returns the job id.
    func submit(script: String) throws -> String {
        let r = try run("sbatch", ["--parsable", script])
        let id = r.stdout.split(separator: "\n").last.map { String($0.split(separator: ";").first ?? "") } ?? ""
        guard r.status == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw SlurmError("sbatch failed (exit \(r.status)): \(Self.trimmed(r.stderr.isEmpty ? r.stdout : r.stderr))")
        }
        return id
    }

    /// This user's array elements whose job name starts with `prefix`, every element on its
    /// own line (pending ones too).
    func queue(namePrefix prefix: String) throws -> [QueueEntry] {
        // %i is ARRAYJOB_INDEX for every element (%A and %a are not, once an element runs).
        let r = try run("squeue", ["--me", "-h", "-r", "-o", "%i|%j|%T|%r"])
        guard r.status == 0 else { throw SlurmError("squeue failed (exit \(r.status)): \(Self.trimmed(r.stderr))") }
        var entries: [QueueEntry] = []
        for line in r.stdout.split(separator: "\n") {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 4, f[1].hasPrefix(prefix) else { continue }
            let id = f[0].split(separator: "_")
            guard id.count == 2, let index = Int(id[1]) else { continue }
            entries.append(QueueEntry(arrayJobID: String(id[0]), index: index, name: f[1], state: SlurmJobState(parsing: f[2]),
                                      reason: f[3]))
        }
        return entries
    }

    func cancel(_ jobIDs: [String]) {
        guard !jobIDs.isEmpty else { return }
        _ = try? run("scancel", jobIDs)
    }

    /// How element `JOB_INDEX` ended: sacct when the cluster keeps accounting, else
    /// scontrol (which remembers a job for MinJobAge after it ends). Nil if neither knows.
    mutating func endState(job: String, index: Int) -> EndState? {
        let id = "\(job)_\(index)"
        if sacctWorks != false, let r = try? run("sacct", ["-n", "-P", "-X", "-j", id, "-o", "State,ExitCode,NodeList,Reason"]) {
            if r.status == 0, let line = r.stdout.split(separator: "\n").first {
                sacctWorks = true
                let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                if f.count >= 3 {
                    return EndState(state: SlurmJobState(parsing: f[0]), exitCode: f[1], node: f[2],
                                    reason: f.count > 3 ? f[3] : "")
                }
            } else if r.status != 0 || r.stderr.contains("disabled") {
                sacctWorks = false
            }
        }
        guard let r = try? run("scontrol", ["-o", "show", "job", id]), r.status == 0 else { return nil }
        var fields: [String: String] = [:]
        for word in r.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            guard let eq = word.firstIndex(of: "=") else { continue }
            fields[String(word[..<eq])] = String(word[word.index(after: eq)...])
        }
        guard let state = fields["JobState"] else { return nil }
        return EndState(state: SlurmJobState(parsing: state), exitCode: fields["ExitCode"] ?? "", node: fields["BatchHost"] ?? fields["NodeList"] ?? "",
                        reason: fields["Reason"] ?? "")
    }

    private var sacctWorks: Bool?

    /// MaxArraySize of the cluster (array indices go up to one less).
    func maxArraySize() -> Int {
        guard let r = try? run("scontrol", ["show", "config"]), r.status == 0 else { return 1001 }
        for line in r.stdout.split(separator: "\n") where line.hasPrefix("MaxArraySize") {
            if let v = line.split(separator: "=").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) { return v }
        }
        return 1001
    }

    static func trimmed(_ s: String) -> String {
        s.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\n", with: "; ")
    }
}
