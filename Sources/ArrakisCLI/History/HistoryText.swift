import Foundation
import Store

/// How history commands print times, sizes and tables.
enum HistoryText {
    /// Local time, to the second.
    static func time(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    static func seconds(_ s: Double?) -> String {
        guard let s else { return "-" }
        if s < 60 { return String(format: "%.2fs", s) }
        if s < 3600 { return String(format: "%dm%02ds", Int(s) / 60, Int(s) % 60) }
        return String(format: "%dh%02dm", Int(s) / 3600, (Int(s) % 3600) / 60)
    }

    static func memory(_ kb: Int64?) -> String {
        guard let kb else { return "-" }
        if kb < 1024 { return "\(kb) KiB" }
        if kb < 1024 * 1024 { return String(format: "%.1f MiB", Double(kb) / 1024) }
        return String(format: "%.2f GiB", Double(kb) / 1024 / 1024)
    }

    static func targets(_ t: [String]) -> String { t.isEmpty ? "(all)" : t.joined(separator: " ") }

    /// Columns padded to the widest cell; the last column is not padded.
    static func table(_ rows: [[String]]) -> String {
        guard let n = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: n)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        return rows.map { r in
            r.enumerated().map { i, c in i == r.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// JSON for `--json`: ISO 8601 UTC times with milliseconds, sorted keys.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(iso8601(date))
        }
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    static func iso8601(_ date: Date) -> String {
        let ms = HistoryTime.milliseconds(date)
        var t = time_t(ms / 1000)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec, Int(ms % 1000))
    }
}
