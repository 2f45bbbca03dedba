import Foundation
import Graph

/// One task as a SLURM worker runs it: the command and its outputs, nothing to plan.
/// The controller writes each array element's tasks to `tasks/ELEMENT.json` of its submission.
public struct WorkerTask: Codable, Sendable, Equatable {
    public var key: String
    public var family: String
    /// The fingerprint the controller computed (hex), echoed in the result record so a
    /// restarted controller only accepts results of the work it would submit itself.
    public var fingerprint: String
    public var attempt: Int
    public var shell: String?
    public var rule: String?
    public var arguments: [String: String]?
    public var outputs: [String]

    init(_ job: BuildEngine.Job, attempt: Int) {
        key = job.key
        family = job.spec.key.family
        fingerprint = job.fingerprint.description
        self.attempt = attempt
        switch job.spec.command {
        case .shell(let s): shell = s
        case .builtin(let kind, let args): rule = kind; arguments = args
        }
        outputs = job.spec.outputs.array
    }

    var command: TaskCommand {
        if let rule { return .builtin(kind: rule, arguments: arguments ?? [:]) }
        return .shell(shell ?? "")
    }
}

/// What a worker reports for one task: a line of its element's `ResultLog`.
public struct ResultRecord: Codable, Sendable {
    public struct Output: Codable, Sendable {
        public var path: String
        public var digest: String
        public var size: Int64
    }
    public var key: String
    public var fingerprint: String
    public var attempt: Int
    public var ok: Bool
    public var outputs: [Output]
    public var message: String?
    public var exitStatus: Int32?
    public var peakMemoryKB: Int?
    public var logPath: String?
    public var started: Date
    public var ended: Date
    public var host: String
    /// `ARRAYJOB_ELEMENT`.
    public var jobID: String
}

/// A submission as the controller keeps it on disk (`submission.json`): written before
/// `sbatch` (without a job id) and again with the job id, so a restarted controller can find
/// its jobs (by the job name, which holds the submission id) and their tasks.
struct SubmissionManifest: Codable {
    var id: String
    var jobID: String?
    var elements: Int
    var tasks: Int
    var created: Date
}

enum JSONFiles {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .secondsSince1970
        e.outputFormatting = [.sortedKeys]
        return e
    }()
    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .secondsSince1970
        return d
    }()

    /// Writes `value` as JSON to `path` through a temporary name and a rename, so a reader
    /// sees the whole record or none. Private to the user (task files may hold arguments).
    static func write<T: Encodable>(_ value: T, to path: String) throws {
        let data = try encoder.encode(value)
        let tmp = path + ".tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileError.errno(tmp, "cannot write") }
        let ok = data.withUnsafeBytes { buf -> Bool in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
                if n < 0 { if errno == EINTR { continue }; return false }
                off += n
            }
            return true
        }
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw FileError.errno(path, "cannot write")
        }
    }

    static func read<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError.errno(path, "cannot read")
        }
        return try decoder.decode(type, from: data)
    }
}
