import Foundation

extension BuildEngine {
    /// Why a job that reported success cannot be recorded as built: it promised a depfile
    /// and there is none. Executors call this first and treat a problem as the attempt's
    /// failure (with retries), so that nothing is recorded without the inputs it read.
    public func depfileProblem(_ job: Job) -> String? {
        guard let depfile = job.spec.depfile, !FileManager.default.isReadableFile(atPath: depfile) else { return nil }
        return "\(job.key) did not write \(depfile), the list of the files it read"
    }

    /// The files a finished task's depfile lists, with their digests now (zero for one that
    /// does not exist). A task that promised a depfile and wrote none fails.
    func discoveredInputs(_ depfile: String) throws -> [NamedDigest] {
        guard let text = try? String(contentsOfFile: depfile, encoding: .utf8) else {
            throw FileError(path: depfile, reason: "the task did not write its list of the files it read")
        }
        var seen = Set<String>()
        var out: [NamedDigest] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let path = String(line)
            guard seen.insert(path).inserted else { continue }
            out.append(NamedDigest(path, (try digests.digest(of: path)) ?? .zero))
        }
        return out
    }
}
