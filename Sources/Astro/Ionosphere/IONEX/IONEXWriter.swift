import Foundation

/// Writes IONEX 1.0 text: one TEC map per epoch on a regular latitude/longitude grid at a single
/// shell height (no RMS maps, no auxiliary data). For the survey simulator's synthetic maps, and
/// readable by `IONEXMaps` and by RMextract's `read_tec`.
public enum IONEXWriter {
    /// The IONEX text of maps at `epochs` (MJD seconds UTC, whole seconds, increasing) on the grid
    /// `latitudes` x `longitudes` (degrees; each evenly spaced, at least two values, on 0.1-degree
    /// marks as the F6.1 grid records require), with TEC (TECU) from `tec(mapIndex, latitude,
    /// longitude)`. Values are stored as integers in units of 10^`exponent` TECU (exponent -1:
    /// 0.1 TECU, the usual), rounded to the nearest; NaN is written as 9999, "no value". A value
    /// that would round to 9999 itself is written as 9998 or 10000, whichever is nearer.
    /// `comment` becomes COMMENT records (split at line breaks and wrapped at 60 columns;
    /// characters other than printable ASCII become '?').
    ///
    /// The output is a pure function of the arguments (the PGM / RUN BY / DATE record carries no
    /// date), so identical inputs give identical files. Invalid arguments (an uneven grid, a
    /// value beyond the I5 fields) are programming errors and stop the program with a message.
    public static func text(epochs: [Double], latitudes: [Double], longitudes: [Double], shellHeight: Double,
                            exponent: Int, tec: (_ mapIndex: Int, _ latitude: Double, _ longitude: Double) -> Double,
                            comment: String) -> String {
        precondition(!epochs.isEmpty, "IONEXWriter: no epochs")
        let seconds = epochs.map { epoch -> Int in
            precondition(epoch.isFinite && abs(epoch - epoch.rounded()) < 1e-3,
                         "IONEXWriter: epoch \(epoch) is not a whole number of MJD seconds")
            return Int(epoch.rounded())
        }
        for index in seconds.indices.dropFirst() {
            precondition(seconds[index] > seconds[index - 1], "IONEXWriter: epochs must increase")
        }
        let latitudeAxis = axis(latitudes, name: "latitudes")
        let longitudeAxis = axis(longitudes, name: "longitudes")
        precondition(latitudes.allSatisfy { abs($0) <= 90 }, "IONEXWriter: latitudes beyond +/-90")
        precondition(shellHeight > 0 && isTenth(shellHeight) && shellHeight < 10_000,
                     "IONEXWriter: shell height \(shellHeight) km must be positive, below 10000, on 0.1 km marks")
        precondition((-20...20).contains(exponent), "IONEXWriter: exponent \(exponent) is out of range (-20 to 20)")

        var out = ""
        out.reserveCapacity(epochs.count * latitudes.count * (longitudes.count * 5 + 200) + 4000)
        func record(_ content: String, _ label: String) {
            let padded = content.count >= 60 ? String(content.prefix(60)) : content + String(repeating: " ", count: 60 - content.count)
            out += padded + label + String(repeating: " ", count: max(0, 20 - label.count)) + "\n"
        }
        record("     1.0            IONOSPHERE MAPS     MIX", "IONEX VERSION / TYPE")
        record(pad("arrakis", 20) + pad("arrakis", 20), "PGM / RUN BY / DATE")
        for line in commentLines(comment) { record(line, "COMMENT") }
        record(epochText(seconds[0]), "EPOCH OF FIRST MAP")
        record(epochText(seconds[seconds.count - 1]), "EPOCH OF LAST MAP")
        let steps = Set(zip(seconds.dropFirst(), seconds).map { $0 - $1 })
        record(i6(steps.count == 1 ? steps.first! : 0), "INTERVAL")
        record(i6(epochs.count), "# OF MAPS IN FILE")
        record("  NONE", "MAPPING FUNCTION")
        record(f(0, width: 8), "ELEVATION CUTOFF")
        record("synthetic maps", "OBSERVABLES USED")
        record(f(6371, width: 8), "BASE RADIUS")
        record(i6(2), "MAP DIMENSION")
        record("  " + f(shellHeight) + f(shellHeight) + f(0), "HGT1 / HGT2 / DHGT")
        record("  " + f(latitudeAxis.first) + f(latitudeAxis.last) + f(latitudeAxis.step), "LAT1 / LAT2 / DLAT")
        record("  " + f(longitudeAxis.first) + f(longitudeAxis.last) + f(longitudeAxis.step), "LON1 / LON2 / DLON")
        record(i6(exponent), "EXPONENT")
        record("", "END OF HEADER")

        let unit = pow(10, Double(exponent))
        let rowRecord = f(longitudeAxis.first) + f(longitudeAxis.last) + f(longitudeAxis.step) + f(shellHeight)
        for map in epochs.indices {
            record(i6(map + 1), "START OF TEC MAP")
            record(epochText(seconds[map]), "EPOCH OF CURRENT MAP")
            for latitude in latitudes {
                record("  " + f(latitude) + rowRecord, "LAT/LON1/LON2/DLON/H")
                var line = ""
                for (index, longitude) in longitudes.enumerated() {
                    let value = tec(map, latitude, longitude)
                    line += i5(quantise(value, unit: unit, map: map, latitude: latitude, longitude: longitude))
                    if index % 16 == 15 || index == longitudes.count - 1 {
                        out += line + "\n"
                        line = ""
                    }
                }
            }
            record(i6(map + 1), "END OF TEC MAP")
        }
        record("", "END OF FILE")
        return out
    }

    /// The integer written for `value` TECU in units of `unit` TECU.
    private static func quantise(_ value: Double, unit: Double, map: Int, latitude: Double, longitude: Double) -> Int {
        if value.isNaN { return 9999 }
        let scaled = value / unit
        let rounded = scaled.rounded()
        precondition(scaled.isFinite && rounded >= -9999 && rounded <= 99999,
                     "IONEXWriter: TEC \(value) TECU (map \(map), latitude \(latitude), longitude \(longitude)) does not "
                        + "fit an I5 field in units of \(unit) TECU; choose another exponent")
        if rounded == 9999 { return scaled <= 9999 ? 9998 : 10000 }
        return Int(rounded)
    }

    private static func axis(_ values: [Double], name: String) -> (first: Double, last: Double, step: Double) {
        precondition(values.count >= 2, "IONEXWriter: at least two \(name) are needed")
        let step = values[1] - values[0]
        precondition(step != 0 && values.allSatisfy { $0.isFinite && abs($0) < 1000 && isTenth($0) },
                     "IONEXWriter: \(name) must be distinct, finite, below 1000 in size and on 0.1-degree marks")
        for (index, value) in values.enumerated() {
            precondition(abs(value - (values[0] + Double(index) * step)) < 1e-6,
                         "IONEXWriter: \(name) must be evenly spaced (\(value) at index \(index))")
        }
        return (values[0], values[values.count - 1], step)
    }

    private static func isTenth(_ value: Double) -> Bool {
        abs(value * 10 - (value * 10).rounded()) < 1e-6
    }

    private static func commentLines(_ comment: String) -> [String] {
        var lines: [String] = []
        for paragraph in comment.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            var text = String(paragraph.unicodeScalars.map { (0x20..<0x7F).contains($0.value) ? Character($0) : "?" })
            while text.hasSuffix(" ") { text.removeLast() }
            if text.isEmpty { continue }
            while text.count > 60 {
                lines.append(String(text.prefix(60)))
                text = String(text.dropFirst(60))
            }
            lines.append(text)
        }
        return lines
    }

    private static func epochText(_ mjdSeconds: Int) -> String {
        let day = mjdSeconds >= 0 ? mjdSeconds / 86_400 : (mjdSeconds - 86_399) / 86_400
        let date = UTCDay.civil(mjd: day)
        let second = mjdSeconds - day * 86_400
        return [date.year, date.month, date.day, second / 3600, second / 60 % 60, second % 60].map(i6).joined()
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? String(text.prefix(width)) : text + String(repeating: " ", count: width - text.count)
    }

    private static func i6(_ value: Int) -> String { rightJustified(String(value), 6) }
    private static func i5(_ value: Int) -> String { rightJustified(String(value), 5) }

    private static func f(_ value: Double, width: Int = 6) -> String {
        rightJustified(String(format: "%.1f", value == 0 ? 0 : value), width)
    }

    private static func rightJustified(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
