/// Parses `mem` and `time` values of a product.
enum ResourceParsing {
    /// Megabytes from `512`, `"512M"`, `"4G"`, `"2000MB"`, `"1T"`.
    static func megabytes(_ v: Value) -> Int? {
        switch v {
        case .integer(let i) where i >= 0: return i
        case .float(let f) where f >= 0: return Int(f.rounded(.up))
        case .string(let s):
            var t = s.uppercased()
            if t.hasSuffix("B") { t.removeLast() }
            var mult = 1.0
            if let u = t.last, !u.isNumber {
                switch u {
                case "K": mult = 1.0 / 1024
                case "M": mult = 1
                case "G": mult = 1024
                case "T": mult = 1024 * 1024
                default: return nil
                }
                t.removeLast()
            }
            guard let n = Double(t), n >= 0 else { return nil }
            return Int((n * mult).rounded(.up))
        default: return nil
        }
    }

    /// Seconds from `90`, `"30s"`, `"10m"`, `"2h"`, `"1d"`, `"MM:SS"`, `"HH:MM:SS"`, `"D-HH:MM:SS"`.
    static func seconds(_ v: Value) -> Int? {
        switch v {
        case .integer(let i) where i >= 0: return i
        case .string(let s):
            if s.contains(":") {
                var days = 0
                var rest = Substring(s)
                if let dash = rest.firstIndex(of: "-") {
                    guard let d = Int(rest[..<dash]) else { return nil }
                    days = d
                    rest = rest[rest.index(after: dash)...]
                }
                let parts = rest.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
                guard parts.allSatisfy({ $0 != nil && $0! >= 0 }), (2...3).contains(parts.count) else { return nil }
                let nums = parts.map { $0! }
                let secs = nums.count == 3 ? nums[0] * 3600 + nums[1] * 60 + nums[2] : nums[0] * 60 + nums[1]
                return days * 86400 + secs
            }
            guard let u = s.last, let n = Int(s.dropLast()), n >= 0 else { return Int(s) }
            switch u {
            case "s": return n
            case "m": return n * 60
            case "h": return n * 3600
            case "d": return n * 86400
            default: return nil
            }
        default: return nil
        }
    }
}
