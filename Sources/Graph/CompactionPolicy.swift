/// When a record log is rewritten with only its live records (checked at the end of a build).
///
/// When live records fall under half of the file, and the file is past a small floor: the
/// file then stays under twice its live size (plus one build's appends), opening it indexes
/// at most twice the live records, and each rewrite is paid for by at least as many bytes
/// appended since the last, so compaction costs O(1) per record written.
public enum CompactionPolicy {
    /// Below this a log is never compacted (a small project's logs stay append-only).
    public static let minimumBytes = 32 * 1024

    public static func isWorthIt(fileBytes: Int, liveBytes: Int) -> Bool {
        fileBytes >= minimumBytes && fileBytes > 2 * liveBytes
    }
}
