/// The value syntax of the `mem` and `time` product settings, shared by the checker and the
/// executors so both read a value the same way.
public enum ResourceSyntax {
    /// Megabytes for a `mem` string: `512M`, `4G`, `2000MB`, `1.5GB`, `100K`, `1T` (binary
    /// multiples, like SLURM; a bare number is megabytes). Nil if malformed or not positive.
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

    /// Seconds for a `time` string: `HH:MM:SS`, `MM:SS`, or a number with a unit `30s`,
    /// `10m`, `2h`, `1d`. Nil if malformed or not positive.
    public static func seconds(_ text: String) -> Int? {
        let trimmed = text.trimmingSpaces()
        guard !trimmed.isEmpty else { return nil }
        if trimmed.contains(":") {
            let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 || parts.count == 3,
                  parts.allSatisfy({ !$0.isEmpty && $0.count <= 9 && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
            let numbers = parts.map { Int($0)! }
            // Every field after the first is a two-digit value below 60.
            guard parts.dropFirst().allSatisfy({ $0.count == 2 }), numbers.dropFirst().allSatisfy({ $0 < 60 }) else { return nil }
            let total = numbers.reduce(0) { $0 * 60 + $1 }
            return total > 0 ? total : nil
        }
        let unit = trimmed.last!
        let multiplier: Int
        switch unit {
        case "s": multiplier = 1
        case "m": multiplier = 60
        case "h": multiplier = 3600
        case "d": multiplier = 86400
        default: return nil
        }
        let digits = trimmed.dropLast()
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let amount = Int(digits), amount > 0 else { return nil }
        return amount * multiplier
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
