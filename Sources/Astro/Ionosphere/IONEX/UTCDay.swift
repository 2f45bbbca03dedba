import Foundation

/// A UTC calendar day, named as the IGS names its daily products: a year and a day of the year.
public struct UTCDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    /// 1 ... 365, or 366 in a leap year.
    public var dayOfYear: Int

    /// The day `dayOfYear` (1-based) of `year` (Gregorian). A day of the year beyond the year's
    /// length is a programming error (check with `UTCDay.daysIn(year:)`).
    public init(year: Int, dayOfYear: Int) {
        precondition((1...UTCDay.daysIn(year: year)).contains(dayOfYear),
                     "UTCDay: day of year \(dayOfYear) is not in 1...\(UTCDay.daysIn(year: year)) for \(year)")
        self.year = year
        self.dayOfYear = dayOfYear
    }

    /// The day containing the UTC time `mjdSeconds` (Modified Julian Date x 86400 s; leap
    /// seconds are not counted, as in MJD).
    public init(mjdSeconds: Double) {
        precondition(mjdSeconds.isFinite, "UTCDay: time \(mjdSeconds) is not finite")
        self.init(mjd: Int((mjdSeconds / 86_400).rounded(.down)))
    }

    /// The day with Modified Julian Date `mjd`.
    init(mjd: Int) {
        let date = UTCDay.civil(mjd: mjd)
        year = date.year
        dayOfYear = mjd - UTCDay.mjd(year: date.year, month: 1, day: 1) + 1
    }

    /// Modified Julian Date of the day.
    public var mjd: Int { UTCDay.mjd(year: year, month: 1, day: 1) + dayOfYear - 1 }

    /// 00:00 UTC of the day, in MJD seconds.
    public var startMJDSeconds: Double { Double(mjd) * 86_400 }

    public var next: UTCDay { UTCDay(mjd: mjd + 1) }
    public var previous: UTCDay { UTCDay(mjd: mjd - 1) }

    /// Month (1 ... 12) and day of the month of the day.
    public var monthAndDay: (month: Int, day: Int) {
        let date = UTCDay.civil(mjd: mjd)
        return (date.month, date.day)
    }

    /// "2020-01-08 (day 008)".
    public var description: String {
        let (month, day) = monthAndDay
        return "\(UTCDay.pad(year, 4))-\(UTCDay.pad(month, 2))-\(UTCDay.pad(day, 2)) (day \(UTCDay.pad(dayOfYear, 3)))"
    }

    public static func < (a: UTCDay, b: UTCDay) -> Bool {
        (a.year, a.dayOfYear) < (b.year, b.dayOfYear)
    }

    public static func isLeap(year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(year: Int) -> Int { isLeap(year: year) ? 366 : 365 }

    /// Days in `month` (1 ... 12) of `year`.
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year: year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Modified Julian Date of a Gregorian calendar date (proleptic for early dates).
    static func mjd(year: Int, month: Int, day: Int) -> Int {
        // Count days from 1 March of year 0, so that the leap day ends each counted year.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = (month + 9) % 12  // March = 0 ... February = 11
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let daysFrom1970 = era * 146_097 + dayOfEra - 719_468
        return daysFrom1970 + 40_587
    }

    /// The Gregorian calendar date of a Modified Julian Date (the inverse of `mjd(year:month:day:)`).
    static func civil(mjd: Int) -> (year: Int, month: Int, day: Int) {
        let z = mjd - 40_587 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// "2020-01-08 13:45:00 UTC" for a time in MJD seconds (to the second; fractions shown when present).
    static func timestamp(mjdSeconds: Double) -> String {
        guard mjdSeconds.isFinite, abs(mjdSeconds) < 1e15 else { return "MJD seconds \(mjdSeconds)" }
        let day = UTCDay(mjdSeconds: mjdSeconds)
        let (month, dayOfMonth) = day.monthAndDay
        // Milliseconds of the day (a time within half a millisecond of midnight reads 24:00:00).
        let ms = Int(((mjdSeconds - day.startMJDSeconds) * 1000).rounded())
        let whole = ms / 1000
        var seconds = pad(whole % 60, 2)
        if ms % 1000 != 0 { seconds += "." + pad(ms % 1000, 3) }
        return "\(pad(day.year, 4))-\(pad(month, 2))-\(pad(dayOfMonth, 2)) "
            + "\(pad(whole / 3600, 2)):\(pad(whole / 60 % 60, 2)):\(seconds) UTC"
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(abs(value))
        return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
