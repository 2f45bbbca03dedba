/// Quotes a word for /bin/sh: left alone when it is plainly safe, else single-quoted.
public func shellQuote(_ s: String) -> String {
    if !s.isEmpty, s.unicodeScalars.allSatisfy({ c in
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || "/._-+=:,@%".unicodeScalars.contains(c)
    }) { return s }
    var out = "'"
    for c in s { if c == "'" { out += "'\\''" } else { out.append(c) } }
    return out + "'"
}
