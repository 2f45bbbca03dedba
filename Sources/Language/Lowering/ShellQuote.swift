/// Quotes a word for /bin/sh: left alone when it is plainly safe, else single-quoted.
public func shellQuote(_ s: String) -> String {
    if !s.isEmpty, isShellSafe(s) { return s }
    var out = "'"
    for c in s { if c == "'" { out += "'\\''" } else { out.append(c) } }
    return out + "'"
}

/// Appends `shellQuote(s)` to `out` without building the quoted word first.
package func appendShellQuoted(_ s: String, to out: inout String) {
    if !s.isEmpty, isShellSafe(s) { out += s; return }
    out += shellQuote(s)
}

/// True when every byte is an ASCII letter, digit or one of `/._-+=:,@%` (runs for every
/// path of every product at planning time, so it is a table lookup per byte).
private func isShellSafe(_ s: String) -> Bool {
    if let r = s.utf8.withContiguousStorageIfAvailable({ bytes in bytes.allSatisfy { shellSafeBytes[Int($0)] } }) {
        return r
    }
    return s.utf8.allSatisfy { shellSafeBytes[Int($0)] }
}

private let shellSafeBytes: [Bool] = (0..<256).map { b in
    switch UInt8(b) {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
         UInt8(ascii: "0")...UInt8(ascii: "9"),
         UInt8(ascii: "/"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "+"),
         UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "@"), UInt8(ascii: "%"):
        return true
    default:
        return false
    }
}
