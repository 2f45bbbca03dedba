#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Outputs are written under a temporary name beside the final one and renamed only when
/// the task succeeded, so a crash never leaves a half-written file at an output path.
/// The temporary name keeps the extension (tools choose formats by it):
/// `out/alpha.wc` -> `out/alpha.arrakis-tmp.wc`.
public enum TemporaryOutput {
    public static let marker = ".arrakis-tmp"

    public static func path(for output: String) -> String {
        let slash = output.lastIndex(of: "/")
        let nameStart = slash.map { output.index(after: $0) } ?? output.startIndex
        if let dot = output[nameStart...].lastIndex(of: "."), dot > nameStart {
            return String(output[..<dot]) + marker + String(output[dot...])
        }
        return output + marker
    }

    /// Creates the parent directories of `path` (like `mkdir -p`).
    public static func makeParentDirectories(_ path: String) throws {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        let dir = String(path[..<slash])
        var st = stat()
        if stat(dir, &st) == 0 { return }
        try makeParentDirectories(dir)
        if mkdir(dir, 0o755) != 0 && errno != EEXIST {
            throw FileError.errno(dir, "cannot create directory")
        }
    }

    /// Prepares to run: parent directories exist, no stale temporary from a killed build.
    public static func prepare(_ outputs: [String]) throws {
        for o in outputs {
            try makeParentDirectories(o)
            unlink(path(for: o))
        }
    }

    /// Hashes the temporary, renames it to the final path and returns the trace entry.
    public static func commit(_ output: String) throws -> Trace.Output {
        let tmp = path(for: output)
        var st = stat()
        guard stat(tmp, &st) == 0 else {
            throw FileError(path: output, reason: "the command succeeded but did not write its output (it must write to \(tmp), which arrakis renames to \(output))")
        }
        let (digest, _) = try FileHasher.hash(tmp)
        guard rename(tmp, output) == 0 else { throw FileError.errno(output, "cannot rename \(tmp) into place") }
        guard let sig = FileSignature.of(output) else { throw FileError(path: output, reason: "vanished after rename") }
        return Trace.Output(path: output, signature: sig, digest: digest)
    }

    public static func discard(_ outputs: [String]) {
        for o in outputs { unlink(path(for: o)) }
    }
}
