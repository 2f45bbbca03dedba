import Language
import Graph
#if canImport(Glibc)
import Glibc
#endif

/// A manifest: a tab-separated file with a header row, written by a product so that other
/// products can fan out over its rows.
public struct ManifestFile: Sendable {
    public var header: [String]
    public var rows: [[String]]

    public static func read(_ path: String) throws -> ManifestFile {
        guard let f = fopen(path, "r") else { throw FileError.errno(path, "cannot read manifest") }
        defer { fclose(f) }
        var lines: [String] = []
        var buffer: UnsafeMutablePointer<CChar>? = nil
        var cap = 0
        defer { free(buffer) }
        while getline(&buffer, &cap, f) > 0, let b = buffer {
            var s = String(cString: b)
            while s.hasSuffix("\n") || s.hasSuffix("\r") { s.removeLast() }
            if !s.isEmpty { lines.append(s) }
        }
        guard let first = lines.first else { throw FileError(path: path, reason: "manifest is empty (expected a header row)") }
        let header = first.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        var rows: [[String]] = []
        for (i, line) in lines.dropFirst().enumerated() {
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard cells.count == header.count else {
                throw FileError(path: path, reason: "line \(i + 2) has \(cells.count) columns, the header has \(header.count)")
            }
            rows.append(cells)
        }
        return ManifestFile(header: header, rows: rows)
    }
}
