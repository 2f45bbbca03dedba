import Foundation

/// How history stores time: instants as whole milliseconds since 1970, durations as whole
/// microseconds. Records round their values on creation, so a record read back from any
/// backend (or the spool) equals the one written.
public enum HistoryTime {
    public static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    public static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// `date` rounded to the millisecond, as stored.
    public static func rounded(_ date: Date) -> Date { self.date(milliseconds: milliseconds(date)) }

    public static func microseconds(_ seconds: Double) -> Int64 { Int64((seconds * 1_000_000).rounded()) }

    public static func seconds(microseconds: Int64) -> Double { Double(microseconds) / 1_000_000 }

    /// `seconds` rounded to the microsecond, as stored.
    public static func rounded(seconds: Double) -> Double { self.seconds(microseconds: microseconds(seconds)) }
}
