/// Documents as JSON text (MongoDB relaxed Extended JSON for non-finite doubles:
/// `{"$numberDouble": "NaN"}`), used by the embedded store and for printing.
/// Integers and doubles stay distinct: a double always carries a `.` or an exponent.
public enum JSONText {
    public static func encode(_ value: DocValue) -> String {
        var out: [UInt8] = []
        write(value, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The UTF-8 bytes of `encode(value)`, appended to `out` (no String in between, for bulk loading).
    static func write(_ value: DocValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): writeInteger(i, into: &out)
        case .double(let d):
            if d.isNaN { out.append(contentsOf: #"{"$numberDouble":"NaN"}"#.utf8) }
            else if d.isInfinite { out.append(contentsOf: (d > 0 ? #"{"$numberDouble":"Infinity"}"# : #"{"$numberDouble":"-Infinity"}"#).utf8) }
            else {
                var text = d.description
                text.withUTF8 { bytes in
                    out.append(contentsOf: bytes)
                    // A double always carries a `.` or an exponent.
                    if !bytes.contains(where: { $0 == 0x2E || $0 == 0x65 || $0 == 0x45 }) {
                        out.append(contentsOf: ".0".utf8)
                    }
                }
            }
        case .string(let s): writeString(s, into: &out)
        case .array(let a):
            out.append(0x5B)
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(0x2C) }
                write(v, into: &out)
            }
            out.append(0x5D)
        case .document(let d):
            out.append(0x7B)
            for (i, f) in d.fields.enumerated() {
                if i > 0 { out.append(0x2C) }
                writeString(f.key, into: &out)
                out.append(0x3A)
                write(f.value, into: &out)
            }
            out.append(0x7D)
        }
    }

    static func writeInteger(_ value: Int64, into out: inout [UInt8]) {
        if value == 0 { out.append(0x30); return }
        if value == .min { out.append(contentsOf: String(value).utf8); return }
        var v = value < 0 ? -value : value
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while v > 0 {
                buffer[n] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
                v /= 10
                n += 1
            }
        }
        if value < 0 { out.append(0x2D) }
        withUnsafeBytes(of: &digits) { buffer in
            for k in stride(from: n - 1, through: 0, by: -1) { out.append(buffer[k]) }
        }
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        var s = s
        s.withUTF8 { bytes in
            // Most strings need no escaping: copy them whole.
            guard bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else {
                out.append(contentsOf: bytes)
                return
            }
            for b in bytes {
                switch b {
                case 0x22: out.append(contentsOf: #"\""#.utf8)
                case 0x5C: out.append(contentsOf: #"\\"#.utf8)
                case 0x0A: out.append(contentsOf: #"\n"#.utf8)
                case 0x0D: out.append(contentsOf: #"\r"#.utf8)
                case 0x09: out.append(contentsOf: #"\t"#.utf8)
                case 0..<0x20:
                    let hex = String(b, radix: 16)
                    out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
                default: out.append(b)
                }
            }
        }
        out.append(0x22)
    }

    public static func decode(_ text: String) throws -> DocValue {
        var parser = Parser(bytes: Array(text.utf8))
        let v = try parser.value()
        parser.skipSpace()
        guard parser.i == parser.bytes.count else { throw parser.error("trailing characters") }
        return v
    }

    struct Parser {
        let bytes: [UInt8]
        var i = 0

        func error(_ m: String) -> StoreError { .failed("invalid stored JSON at byte \(i): \(m)") }

        mutating func skipSpace() {
            while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 }
        }

        mutating func value() throws -> DocValue {
            skipSpace()
            guard i < bytes.count else { throw error("unexpected end") }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var d = Document()
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .document(d) }
                while true {
                    skipSpace()
                    guard case .string(let key) = try value() else { throw error("expected a key") }
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw error("expected ':'") }
                    i += 1
                    d.fields.append((key, try value()))
                    skipSpace()
                    guard i < bytes.count else { throw error("unexpected end") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; break }
                    throw error("expected ',' or '}'")
                }
                if d.fields.count == 1, d.fields[0].key == "$numberDouble", let s = d.fields[0].value.string {
                    switch s {
                    case "NaN": return .double(.nan)
                    case "Infinity": return .double(.infinity)
                    case "-Infinity": return .double(-.infinity)
                    default: if let v = Double(s) { return .double(v) }
                    }
                }
                return .document(d)
            case UInt8(ascii: "["):
                i += 1
                var a: [DocValue] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
                while true {
                    a.append(try value())
                    skipSpace()
                    guard i < bytes.count else { throw error("unexpected end") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; break }
                    throw error("expected ',' or ']'")
                }
                return .array(a)
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default:
                let start = i
                while i < bytes.count, "+-0123456789.eE".utf8.contains(bytes[i]) { i += 1 }
                let text = String(decoding: bytes[start..<i], as: UTF8.self)
                if !text.contains(where: { ".eE".contains($0) }), let v = Int64(text) { return .int(v) }
                if let d = Double(text) { return .double(d) }
                throw error("bad number '\(text)'")
            }
        }

        mutating func literal(_ word: String) throws {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { throw error("expected \(word)") }
            i += w.count
        }

        mutating func string() throws -> String {
            i += 1
            var out: [UInt8] = []
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
                if c == UInt8(ascii: "\\") {
                    i += 1
                    guard i < bytes.count else { break }
                    switch bytes[i] {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "u"):
                        guard i + 4 < bytes.count, let v = UInt32(String(decoding: bytes[(i + 1)...(i + 4)], as: UTF8.self), radix: 16),
                              let scalar = Unicode.Scalar(v) else { throw error("bad \\u escape") }
                        out.append(contentsOf: Array(String(Character(scalar)).utf8))
                        i += 4
                    default: out.append(bytes[i])
                    }
                    i += 1
                    continue
                }
                out.append(c)
                i += 1
            }
            throw error("unterminated string")
        }
    }
}
