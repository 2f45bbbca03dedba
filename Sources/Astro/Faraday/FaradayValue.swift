/// A value in an RM-Tools-style result dictionary.
public enum FaradayValue: Sendable, Equatable {
    case number(Double)
    case integer(Int)
    case text(String)
    /// An undefined quantity (RM-Tools writes NaN), e.g. mom2CCFDF with no clean components.
    case null

    /// `number` for a finite value, `null` for nil or a non-finite one.
    static func optional(_ v: Double?) -> FaradayValue {
        guard let v, v.isFinite else { return .null }
        return .number(v)
    }

    /// The value as JSON. Non-finite numbers are written as `null` so the output is valid
    /// JSON (RM-Tools writes the non-standard `NaN`).
    public var json: String {
        switch self {
        case .number(let v): return v.isFinite ? "\(v)" : "null"
        case .integer(let i): return String(i)
        case .text(let s): return FaradayJSON.quote(s)
        case .null: return "null"
        }
    }

    /// The value as numbers are printed in RM-Tools' `key=value` summaries.
    public var plain: String {
        switch self {
        case .number(let v): return v.isFinite ? "\(v)" : (v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf"))
        case .integer(let i): return String(i)
        case .text(let s): return s
        case .null: return "nan"
        }
    }
}

/// Renders ordered key/value lists as JSON objects.
public enum FaradayJSON {
    /// `{"key": value, ...}` on one line, keys in the given order; `nested` objects follow.
    public static func object(_ fields: [(String, FaradayValue)], nested: [(String, String)] = []) -> String {
        var parts = fields.map { quote($0.0) + ": " + $0.1.json }
        parts += nested.map { quote($0.0) + ": " + $0.1 }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    /// A JSON string literal.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// Comma-separated float32 values as RM-Tools writes `polyCoeffs` ("0.0,0.0,4.053414,...").
    static func float32List(_ values: [Double]) -> String {
        values.map { numpyFloat32String(Float($0)) }.joined(separator: ",")
    }

    /// numpy's str() of a float32: shortest round-trip digits, positional for
    /// 1e-4 <= |x| < 1e16, scientific ("3.46795e-06") otherwise.
    static func numpyFloat32String(_ x: Float) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == 0 { return x.sign == .minus ? "-0.0" : "0.0" }
        let shortest = "\(x)"   // Swift: shortest round-trip digits
        let magnitude = abs(x)
        let positional = magnitude >= 1e-4 && magnitude < 1e16
        // Split Swift's output into sign, digits and decimal exponent.
        var mantissa = Substring(shortest), exponent = 0
        if let e = shortest.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = shortest[..<e]
            exponent = Int(shortest[shortest.index(after: e)...]) ?? 0
        }
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa = mantissa.dropFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        let fracPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = intPart + fracPart
        var pointPosition = intPart.count + exponent   // decimal point after this many digits
        while digits.hasPrefix("0") && digits.count > 1 { digits.removeFirst(); pointPosition -= 1 }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        let sign = negative ? "-" : ""
        if positional {
            if pointPosition <= 0 {
                return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
            }
            if pointPosition >= digits.count {
                return sign + digits + String(repeating: "0", count: pointPosition - digits.count) + ".0"
            }
            let i = digits.index(digits.startIndex, offsetBy: pointPosition)
            return sign + digits[..<i] + "." + digits[i...]
        }
        let e = pointPosition - 1
        let head = String(digits.prefix(1))
        let tail = digits.dropFirst()
        let exponentText = (e < 0 ? "-" : "+") + (abs(e) < 10 ? "0" : "") + String(abs(e))
        return sign + head + (tail.isEmpty ? "" : "." + tail) + "e" + exponentText
    }
}
