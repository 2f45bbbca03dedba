#if canImport(Glibc)
import Glibc
#endif

/// Where a database password comes from, in order of preference: a password file
/// (refused when group- or world-readable, like ssh and pgpass), `ARRAKIS_DB_PASSWORD`,
/// the URL, or `-p` (accepted for compatibility with spice_init; it shows in `ps`).
///
/// The password is held only here; `description` never shows it.
public struct Credentials: Sendable, CustomStringConvertible {
    public var username: String?
    public var password: String?

    public init(username: String?, password: String?) {
        self.username = username
        self.password = password
    }

    public var description: String {
        "\(username ?? "(no user)")\(password == nil ? "" : " (password set)")"
    }

    /// Resolves the password. `file` wins, then the environment, then the URL's, then `flag`.
    public static func resolve(username: String?, urlPassword: String?, flag: String?, file: String?,
                               environment: [String: String]) throws -> Credentials {
        if let file {
            return Credentials(username: username, password: try readPasswordFile(file))
        }
        if let env = environment["ARRAKIS_DB_PASSWORD"], !env.isEmpty {
            return Credentials(username: username, password: env)
        }
        return Credentials(username: username, password: urlPassword ?? flag)
    }

    /// The first line of a password file that only its owner can read.
    public static func readPasswordFile(_ path: String) throws -> String {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw StoreError.input("password file \(path): \(String(cString: strerror(errno)))")
        }
        if st.st_mode & 0o077 != 0 {
            throw StoreError.input("password file \(path) is readable by group or others (mode \(String(st.st_mode & 0o777, radix: 8))); chmod 600 it")
        }
        guard let f = fopen(path, "r") else {
            throw StoreError.input("password file \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(f) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        let n = getline(&line, &capacity, f)
        defer { free(line) }
        guard n > 0, let line else { throw StoreError.input("password file \(path) is empty") }
        var password = String(cString: line)
        while password.hasSuffix("\n") || password.hasSuffix("\r") { password.removeLast() }
        guard !password.isEmpty else { throw StoreError.input("password file \(path) is empty") }
        return password
    }
}

/// A database URL split into parts, with the password kept out of `redacted`.
public struct DatabaseURL: Sendable {
    public var scheme: String
    public var username: String?
    public var password: String?
    public var host: String
    public var port: Int?
    public var path: String
    public var query: String

    /// `scheme://[user[:password]@]host[:port][/path][?query]` or `sqlite:PATH`.
    public init(_ text: String) throws {
        if text.hasPrefix("sqlite:") {
            scheme = "sqlite"
            path = String(text.dropFirst("sqlite:".count))
            host = ""
            query = ""
            return
        }
        guard let schemeEnd = text.firstRange(of: "://") else {
            throw StoreError.invalidURL("'\(DatabaseURL.redact(text))' is not a database URL (expected sqlite:PATH, mongodb://host or postgresql://host)")
        }
        scheme = String(text[..<schemeEnd.lowerBound])
        var rest = Substring(text[schemeEnd.upperBound...])
        query = ""
        if let q = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: q)...])
            rest = rest[..<q]
        }
        path = ""
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[rest.index(after: slash)...])
            rest = rest[..<slash]
        }
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                username = String(userInfo[..<colon]).removingPercentEncodingSafely
                password = String(userInfo[userInfo.index(after: colon)...]).removingPercentEncodingSafely
            } else {
                username = String(userInfo).removingPercentEncodingSafely
            }
        }
        if let colon = rest.lastIndex(of: ":"), let p = Int(rest[rest.index(after: colon)...]) {
            port = p
            host = String(rest[..<colon])
        } else {
            host = String(rest)
        }
        guard !host.isEmpty else {
            throw StoreError.invalidURL("'\(DatabaseURL.redact(text))' has no host")
        }
    }

    /// The URL with any password replaced by `***`.
    public var redacted: String {
        if scheme == "sqlite" { return "sqlite:\(path)" }
        var s = "\(scheme)://"
        if let username { s += username + (password == nil ? "" : ":***") + "@" }
        s += host
        if let port { s += ":\(port)" }
        if !path.isEmpty { s += "/\(path)" }
        if !query.isEmpty { s += "?\(query)" }
        return s
    }

    /// The URL with no password at all (what may be written to a file and used again, the
    /// password coming from the environment).
    public var withoutPassword: String { text(userInfo: username.map { $0 + "@" } ?? "") }

    private func text(userInfo: String) -> String {
        if scheme == "sqlite" { return "sqlite:\(path)" }
        var s = "\(scheme)://" + userInfo + host
        if let port { s += ":\(port)" }
        if !path.isEmpty { s += "/\(path)" }
        if !query.isEmpty { s += "?\(query)" }
        return s
    }

    /// Best-effort redaction of a URL that did not parse.
    public static func redact(_ text: String) -> String {
        guard let schemeEnd = text.firstRange(of: "://"), let at = text[schemeEnd.upperBound...].lastIndex(of: "@") else { return text }
        let userInfo = text[schemeEnd.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}

extension String {
    /// Decodes %XX escapes; invalid escapes are kept as written.
    var removingPercentEncodingSafely: String {
        var bytes: [UInt8] = []
        var i = utf8.startIndex
        while i < utf8.endIndex {
            let c = utf8[i]
            if c == UInt8(ascii: "%"), let h1 = utf8.index(i, offsetBy: 1, limitedBy: utf8.endIndex), h1 < utf8.endIndex,
               let h2 = utf8.index(i, offsetBy: 2, limitedBy: utf8.endIndex), h2 < utf8.endIndex,
               let v = UInt8(String(decoding: [utf8[h1], utf8[h2]], as: UTF8.self), radix: 16) {
                bytes.append(v)
                i = utf8.index(i, offsetBy: 3)
            } else {
                bytes.append(c)
                i = utf8.index(after: i)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
