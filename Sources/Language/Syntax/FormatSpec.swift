import Foundation

/// A template field's format spec, `[<|>][0][width][.precision]`, e.g. `02`, `>8`, `.3`.
///
/// A subset of Python's format mini-language: `<` left-aligns, `>` right-aligns, `0` pads
/// numbers with zeros after the sign, `width` is the minimum width in characters and
/// `precision` is the number of decimals (numbers) or the maximum length (text).
public struct FormatSpec: Sendable, Hashable {
    public enum Alignment: Sendable, Hashable {
        case left, right
    }

    public var alignment: Alignment?
    public var zeroPad: Bool
    public var width: Int?
    public var precision: Int?

    public init(alignment: Alignment? = nil, zeroPad: Bool = false, width: Int? = nil, precision: Int? = nil) {
        self.alignment = alignment
        self.zeroPad = zeroPad
        self.width = width
        self.precision = precision
    }

    /// Parses a spec (the text after `:`); nil if it does not follow the grammar.
    public init?(_ spec: String) {
        var bytes = Array(spec.utf8)[...]
        guard !bytes.isEmpty else { return nil }
        alignment = nil
        zeroPad = false
        width = nil
        precision = nil
        if bytes.first == UInt8(ascii: "<") { alignment = .left; bytes.removeFirst() }
        else if bytes.first == UInt8(ascii: ">") { alignment = .right; bytes.removeFirst() }
        if bytes.first == UInt8(ascii: "0") { zeroPad = true; bytes.removeFirst() }
        let widthDigits = bytes.prefix { Lexer.isDigit($0) }
        if !widthDigits.isEmpty {
            guard widthDigits.count <= 4, let w = Int(String(decoding: widthDigits, as: UTF8.self)) else { return nil }
            width = w
            bytes.removeFirst(widthDigits.count)
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes.removeFirst()
            let digits = bytes.prefix { Lexer.isDigit($0) }
            guard !digits.isEmpty, digits.count <= 4, let p = Int(String(decoding: digits, as: UTF8.self)) else { return nil }
            precision = p
            bytes.removeFirst(digits.count)
        }
        guard bytes.isEmpty else { return nil }
    }

    /// Formats an integer: right-aligned by default, zero-padded after the sign with `0`.
    public func apply(to value: Int) -> String {
        numeric(sign: value < 0 ? "-" : "", digits: String(value.magnitude))
    }

    /// Formats a number with `precision` decimals (if given).
    public func apply(to value: Double) -> String {
        let digits = precision.map { String(format: "%.\($0)f", value.magnitude) } ?? "\(value.magnitude)"
        return numeric(sign: value.sign == .minus ? "-" : "", digits: digits)
    }

    /// Formats text. Text that reads as a number (a glob wildcard or manifest value such as
    /// `7`) is formatted as that number when the spec zero-pads or sets a precision, so
    /// `{beam:02}` gives `07`. Other text is left-aligned by default and cut to `precision`.
    public func apply(to value: String) -> String {
        if zeroPad || precision != nil {
            if let int = Int(value) { return apply(to: int) }
            if let double = Double(value), double.isFinite { return apply(to: double) }
        }
        let text = precision.map { String(value.prefix($0)) } ?? value
        return pad(text, defaultAlignment: .left)
    }

    private func numeric(sign: String, digits: String) -> String {
        if zeroPad, alignment == nil || alignment == .right, let width {
            let zeros = max(0, width - sign.count - digits.count)
            return sign + String(repeating: "0", count: zeros) + digits
        }
        return pad(sign + digits, defaultAlignment: .right)
    }

    private func pad(_ text: String, defaultAlignment: Alignment) -> String {
        guard let width, text.count < width else { return text }
        let fill = String(repeating: " ", count: width - text.count)
        return (alignment ?? defaultAlignment) == .left ? text + fill : fill + text
    }
}
