/// The one value syntax of the `mem` and `time` settings (of products and of the
/// `executor slurm` block). The checker parses every literal with it; lowering and the
/// block parse values only known then (`env(...)`, `int(...)`) with it too.
public enum ResourceSyntax {
    /// Megabytes for a `mem` string: a number, optional spaces, then an optional unit `K`,
    /// `M`, `G` or `T`, optionally followed by `B` or `iB` (`512M`, `4G`, `2000MB`, `1.5GB`,
    /// `4GiB`, `4 G`, `100K`, `1T`). Every unit is a binary multiple, like SLURM's; no unit
    /// is megabytes. Surrounding spaces are ignored. Nil if malformed or below 1 MB.
    public static func megabytes(_ text: String) -> Int? {
        let trimmed = text.trimmingSpaces()
        let digits = trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard !digits.isEmpty, digits.filter({ $0 == "." }).count <= 1, digits.first != ".", digits.last != ".",
              let amount = Double(digits) else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmingSpaces().uppercased()
        let factor: Double
        switch unit {
        case "", "M", "MB", "MIB": factor = 1
        case "K", "KB", "KIB": factor = 1.0 / 1024
        case "G", "GB", "GIB": factor = 1024
        case "T", "TB", "TIB": factor = 1024 * 1024
        default: return nil
        }
        let megabytes = (amount * factor).rounded(.up)
        guard megabytes >= 1, megabytes < 1e12 else { return nil }
        return Int(megabytes)
    }

    /// Seconds for a `time` string, in SLURM's forms `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`,
    /// `D-HH:MM:SS`, or a whole number with a unit `30s`, `10m`, `2h`, `1d` (spaces allowed
    /// before the unit). After the first field, minutes and seconds are two digits below 60
    /// and the hours after a `D-` one or two digits below 24. Surrounding spaces are
    /// ignored. Nil if malformed or not positive.
    public static func seconds(_ text: String) -> Int? {
        let trimmed = text.trimmingSpaces()
        let total: Int?
        if let dash = trimmed.firstIndex(of: "-") {
            total = daysAndClock(days: trimmed[..<dash], clock: trimmed[trimmed.index(after: dash)...])
        } else if trimmed.contains(":") {
            total = clock(trimmed)
        } else {
            total = withUnit(trimmed)
        }
        guard let total, total > 0 else { return nil }
        return total
    }

    /// `MM:SS` or `HH:MM:SS`: the first field any width, the others two digits below 60.
    private static func clock(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, let first = number(parts[0]) else { return nil }
        return sexagesimal(parts.dropFirst(), after: first)
    }

    /// `D-HH`, `D-HH:MM`, `D-HH:MM:SS`.
    private static func daysAndClock(days: Substring, clock: Substring) -> Int? {
        let parts = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), let d = number(days), parts[0].count <= 2,
              let hours = number(parts[0]), hours < 24 else { return nil }
        guard let rest = sexagesimal(parts.dropFirst(), after: d * 24 + hours) else { return nil }
        // Missing minutes and seconds are zero: scale up to seconds.
        return rest * [3600, 60, 1][parts.count - 1]
    }

    /// `leading` followed by the two-digit fields below 60 in `fields`, base 60.
    private static func sexagesimal(_ fields: ArraySlice<Substring>, after leading: Int) -> Int? {
        var total = leading
        for field in fields {
            guard field.count == 2, let n = number(field), n < 60 else { return nil }
            total = total * 60 + n
        }
        return total
    }

    /// `30s`, `10m`, `2h`, `1d`, `2 h`.
    private static func withUnit(_ text: Substring) -> Int? {
        guard let unit = text.last else { return nil }
        let multiplier: Int
        switch unit {
        case "s": multiplier = 1
        case "m": multiplier = 60
        case "h": multiplier = 3600
        case "d": multiplier = 86400
        default: return nil
        }
        return number(text.dropLast().trimmingSpaces()).map { $0 * multiplier }
    }

    /// A run of 1 to 9 ASCII digits.
    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 9, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }
}

extension StringProtocol {
    func trimmingSpaces() -> Substring {
        let s = self[...]
        guard let first = s.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return Substring() }
        let last = s.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return Substring(s[first...last])
    }
}
