import CMongoC
#if canImport(Glibc)
import Glibc
#endif

/// `mongoc_init` runs once per process, on first use (Swift initialises globals lazily and
/// thread-safely). libmongoc's warnings and errors go to stderr; its debug chatter does not.
private let mongocInitialised: Void = {
    mongoc_init()
    mongoc_log_set_handler({ level, domain, message, _ in
        guard level.rawValue <= MONGOC_LOG_LEVEL_WARNING.rawValue, let message else { return }
        let line = "libmongoc \(domain.map { String(cString: $0) } ?? ""): \(String(cString: message))\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
    }, nil)
}()

/// A libmongoc client: builds the URI (credentials set on it, never written into a URI
/// string), runs commands, and turns libmongoc errors into `StoreError`s that name the
/// redacted URL. Not thread-safe (one `mongoc_client_t`).
final class MongoClient {
    let pointer: OpaquePointer
    /// The URL as it may be shown.
    let displayName: String
    /// Scrubbed from every message, whatever libmongoc puts there.
    private let password: String?

    init(url: DatabaseURL, credentials: Credentials, serverSelectionTimeoutMS: Int) throws {
        _ = mongocInitialised
        displayName = url.redacted
        password = credentials.password ?? url.password
        var text = "\(url.scheme)://\(url.host)"
        if let port = url.port { text += ":\(port)" }
        text += "/\(url.path)"
        if !url.query.isEmpty { text += "?\(url.query)" }

        var error = bson_error_t()
        guard let uri = mongoc_uri_new_with_error(text, &error) else {
            throw StoreError.invalidURL("invalid MongoDB URL \(displayName): \(MongoClient.message(error))")
        }
        defer { mongoc_uri_destroy(uri) }
        if let user = credentials.username ?? url.username {
            guard mongoc_uri_set_username(uri, user) else { throw StoreError.invalidURL("invalid MongoDB user name in \(displayName)") }
            if let password, !mongoc_uri_set_password(uri, password) {
                throw StoreError.invalidURL("invalid MongoDB password (not UTF-8) for \(displayName)")
            }
            // The original's users: SCRAM-SHA-256 in the admin database.
            if mongoc_uri_get_auth_mechanism(uri) == nil { _ = mongoc_uri_set_auth_mechanism(uri, "SCRAM-SHA-256") }
            if !mongoc_uri_has_option(uri, MONGOC_URI_AUTHSOURCE) { _ = mongoc_uri_set_auth_source(uri, "admin") }
        }
        let timeout = Int32(clamping: serverSelectionTimeoutMS)
        if !mongoc_uri_has_option(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS) {
            _ = mongoc_uri_set_option_as_int32(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, timeout)
        }
        if !mongoc_uri_has_option(uri, MONGOC_URI_CONNECTTIMEOUTMS) {
            _ = mongoc_uri_set_option_as_int32(uri, MONGOC_URI_CONNECTTIMEOUTMS, timeout)
        }
        guard let client = mongoc_client_new_from_uri_with_error(uri, &error) else {
            throw StoreError.invalidURL("cannot use MongoDB URL \(displayName): \(MongoClient.message(error))")
        }
        pointer = client
        _ = mongoc_client_set_error_api(client, MONGOC_ERROR_API_VERSION_2)
        _ = mongoc_client_set_appname(client, "arrakis")
    }

    deinit { mongoc_client_destroy(pointer) }

    /// Runs a command on a database and returns the reply (empty when the server failed
    /// with one of `ignoring`, MongoDB error codes).
    @discardableResult
    func command(_ database: String, _ command: Document, ignoring: Set<UInt32> = []) throws -> Document {
        let cmd = BSON(command)
        var error = bson_error_t()
        let result = cmd.with { c in BSON.reply { mongoc_client_command_simple(pointer, database, c, nil, $0, &error) } }
        if !result.ok && error.domain == MONGOC_ERROR_SERVER.rawValue && ignoring.contains(error.code) { return Document() }
        guard result.ok else { throw failure(error, "\(command.fields.first?.key ?? "command") on \(database)") }
        return result.reply
    }

    /// Runs `body` with a collection handle, destroyed afterwards.
    func withCollection<T>(_ database: String, _ name: String, _ body: (OpaquePointer) throws -> T) rethrows -> T {
        let collection = mongoc_client_get_collection(pointer, database, name)!
        defer { mongoc_collection_destroy(collection) }
        return try body(collection)
    }

    /// Reads every document of a cursor, then destroys it.
    func drain(_ cursor: OpaquePointer, _ what: String) throws -> [Document] {
        defer { mongoc_cursor_destroy(cursor) }
        var out: [Document] = []
        var doc: OpaquePointer?
        while mongoc_cursor_next(cursor, &doc), let doc { out.append(try BSON.document(doc)) }
        var error = bson_error_t()
        if mongoc_cursor_error(cursor, &error) { throw failure(error, what) }
        return out
    }

    /// A libmongoc error as a `StoreError`: unreachable server, failed authentication, or
    /// another failure, naming the redacted URL and never the password.
    func failure(_ error: bson_error_t, _ what: String) -> StoreError {
        var text = MongoClient.message(error)
        if let password, !password.isEmpty { text = text.replacing(password, with: "***") }
        let domain = error.domain, code = error.code
        if domain == MONGOC_ERROR_CLIENT.rawValue && code == MONGOC_ERROR_CLIENT_AUTHENTICATE.rawValue
            || domain == MONGOC_ERROR_SERVER.rawValue && code == 18 {  // AuthenticationFailed
            return .authentication("MongoDB at \(displayName) refused the credentials (\(what)): \(text)")
        }
        if domain == MONGOC_ERROR_SERVER.rawValue && code == 13 {  // Unauthorized
            return .authentication("MongoDB at \(displayName) does not allow this user \(what): \(text)")
        }
        if domain == MONGOC_ERROR_SERVER_SELECTION.rawValue || domain == MONGOC_ERROR_STREAM.rawValue {
            if text.contains("Authentication failed") {
                return .authentication("MongoDB at \(displayName) refused the credentials (\(what)): \(text)")
            }
            return .unreachable("cannot reach MongoDB at \(displayName) (\(what)): \(text)")
        }
        return .failed("MongoDB at \(displayName): \(what) failed: \(text)")
    }

    static func message(_ error: bson_error_t) -> String {
        withUnsafeBytes(of: error.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
