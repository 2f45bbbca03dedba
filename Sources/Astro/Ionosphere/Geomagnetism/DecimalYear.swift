import Foundation

/// Dates as decimal years, the time argument of the World Magnetic Model.
public enum DecimalYear {
    /// year + (day of year − 1 + fraction of day) / days in that year, for a UTC time in
    /// MJD seconds (MJD × 86400). 2020-01-01T00:00 is 2020.0 and 2020-07-02T00:00 is
    /// 2020 + 183/366. Non-finite input gives NaN.
    public static func of(mjdSeconds: Double) -> Double {
        let days = mjdSeconds / 86_400
        guard days.isFinite, abs(days) < 1e9 else { return .nan }
        let wholeDays = days.rounded(.down)
        let fraction = days - wholeDays
        let (year, dayOfYear) = yearAndDay(mjd: Int(wholeDays))
        return Double(year) + (Double(dayOfYear - 1) + fraction) / Double(daysIn(year: year))
    }

    /// The Gregorian year and 1-based day of year of a whole MJD.
    static func yearAndDay(mjd: Int) -> (year: Int, day: Int) {
        // Days since 0000-03-01 in the proleptic Gregorian calendar, then 400-year eras.
        let z = mjd + 678_881
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfMarchYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        // March-based year: Jan and Feb belong to the next calendar year.
        let marchYear = yearOfEra + era * 400
        let year = dayOfMarchYear >= 306 ? marchYear + 1 : marchYear
        let januaryFirstOffset = 306  // days from 1 March to 1 January
        let day: Int
        if dayOfMarchYear >= 306 {
            day = dayOfMarchYear - januaryFirstOffset + 1
        } else {
            day = dayOfMarchYear + 31 + 28 + (isLeap(year) ? 1 : 0) + 1
        }
        return (year, day)
    }

    static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    static func daysIn(year: Int) -> Int {
        isLeap(year) ? 366 : 365
    }
}
