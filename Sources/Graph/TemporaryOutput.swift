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
        // On UTF-8 bytes: '/' and '.' are ASCII, so byte offsets are valid string boundaries,
        // and this runs for every output of every product at planning time.
        var output = output
        return output.withUTF8 { bytes -> String in
            var dot = -1
            var i = bytes.count - 1
            while i >= 0 {
                let b = bytes[i]
                if b == UInt8(ascii: "/") { break }
                if b == UInt8(ascii: "."), dot < 0 { dot = i }
                i -= 1
            }
            let nameStart = i + 1
            guard dot > nameStart else {
                return String(decoding: bytes, as: UTF8.self) + marker
            }
            var out = [UInt8]()
            out.reserveCapacity(bytes.count + marker.utf8.count)
            out.append(contentsOf: bytes[..<dot])
            out.append(contentsOf: marker.utf8)
            out.append(contentsOf: bytes[dot...])
            return String(decoding: out, as: UTF8.self)
        }
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
    public static func prepare(_ outputs: some Collection<String>) throws {
        for o in outputs {
            try makeParentDirectories(o)
            unlink(path(for: o))
        }
    }

    /// Hashes the temporary, renames it to the final path and returns the trace entry.
    /// One open descriptor serves the hash and the signature after the rename (the same
    /// file: a rename keeps the inode and updates its ctime).
    public static func commit(_ output: String) throws -> Trace.Output {
        let tmp = path(for: output)
        let fd = open(tmp, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT {
                throw FileError(path: output, reason: "the command succeeded but did not write its output (it must write to \(tmp), which arrakis renames to \(output))")
            }
            throw FileError.errno(tmp, "cannot open")
        }
        defer { close(fd) }
        let (digest, _) = try FileHasher.hash(descriptor: fd, path: tmp)
        guard rename(tmp, output) == 0 else { throw FileError.errno(output, "cannot rename \(tmp) into place") }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            throw FileError(path: output, reason: "vanished after rename")
        }
        return Trace.Output(path: output, signature: FileSignature(st), digest: digest)
    }

    public static func discard(_ outputs: [String]) {
        for o in outputs { unlink(path(for: o)) }
    }
}
