#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Graph

/// The result records of one array element: `results/ELEMENT.jsonl` in its submission, one
/// JSON record per line. Only that element's worker writes it, each record with a single
/// `write` of a whole line on a descriptor opened for appending and closed after (which
/// flushes it to a network filesystem's server); readers take complete lines only, so a
/// record is seen whole or not at all, even if the worker is killed mid-write.
///
/// One file per element rather than per task keeps a survey's 10^5 tasks from becoming
/// 10^5 files on the cluster's metadata server, and lets the controller read only what is
/// new (from an offset) instead of listing a directory.
enum ResultLog {
    static func path(_ submission: String, element: Int) -> String { "\(submission)/results/\(element).jsonl" }

    static func append(_ record: ResultRecord, to path: String) throws {
        var data = try JSONFiles.encoder.encode(record)
        data.append(UInt8(ascii: "\n"))
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileError.errno(path, "cannot write") }
        defer { close(fd) }
        let written = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress!, $0.count) }
        guard written == data.count else { throw FileError.errno(path, "cannot write") }
    }

    /// The complete records after byte `offset`, and the offset just past the last of them.
    static func read(_ path: String, from offset: Int = 0) -> (records: [ResultRecord], end: Int) {
        guard let h = FileHandle(forReadingAtPath: path) else { return ([], offset) }
        defer { try? h.close() }
        guard (try? h.seek(toOffset: UInt64(offset))) != nil, let data = try? h.readToEnd(), !data.isEmpty else {
            return ([], offset)
        }
        guard let lastNewline = data.lastIndex(of: UInt8(ascii: "\n")) else { return ([], offset) }
        var records: [ResultRecord] = []
        for line in data[data.startIndex...lastNewline].split(separator: UInt8(ascii: "\n")) {
            if let r = try? JSONFiles.decoder.decode(ResultRecord.self, from: Data(line)) { records.append(r) }
        }
        return (records, offset + (lastNewline - data.startIndex) + 1)
    }
}
