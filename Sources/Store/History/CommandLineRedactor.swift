/// A command line fit to store: values of password options (`-p X`, `--password X`,
/// `--password=X`, `-pX`, any `--*password*`) and the passwords of URLs become `***`.
public enum CommandLineRedactor {
    public static func redact(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var hideNext = false
        for a in arguments {
            if hideNext {
                out.append("***")
                hideNext = false
                continue
            }
            if a == "-p" || (a.hasPrefix("--") && !a.contains("=") && isPasswordOption(a)) {
                out.append(a)
                hideNext = true
            } else if a.hasPrefix("--"), let eq = a.firstIndex(of: "="), isPasswordOption(String(a[..<eq])) {
                out.append(String(a[...eq]) + "***")
            } else if a.hasPrefix("-p"), !a.hasPrefix("--"), a.count > 2 {
                out.append("-p***")
            } else if a.contains("://") {
                out.append(DatabaseURL.redact(a))
            } else {
                out.append(a)
            }
        }
        return out
    }

    /// `--password`, `--db-password`...; not `--password-file` (a path, not a secret).
    static func isPasswordOption(_ option: String) -> Bool {
        let o = option.lowercased()
        return (o.contains("password") || o.contains("passwd")) && !o.hasSuffix("-file")
    }

    /// Shell-quoted, for display and storage.
    public static func joined(_ arguments: [String]) -> String {
        arguments.map(quote).joined(separator: " ")
    }

    static func quote(_ word: String) -> String {
        let plain = !word.isEmpty && word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%^[]".contains($0) }
        return plain ? word : "'" + word.replacing("'", with: "'\\''") + "'"
    }
}
