import CMongoC

/// An owned `bson_t`, freed when released. Built from a `Document` (field order kept;
/// integers that fit 32 bits become int32, as pymongo writes them, larger ones int64).
///
/// `bson_t` and `bson_iter_t` are 128-byte aligned, so Swift sees them only as
/// `OpaquePointer`s; storage for them is allocated here with that alignment.
final class BSON {
    private let pointer: OpaquePointer

    init() { pointer = bson_new() }

    convenience init(_ document: Document) {
        self.init()
        for field in document.fields { append(field.key, field.value) }
    }

    deinit { bson_destroy(pointer) }

    /// Runs `body` with the `bson_t`, keeping it alive until `body` returns (Swift may
    /// release an object right after its last use, such as reading `pointer`).
    func with<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T {
        try withExtendedLifetime(self) { try body(pointer) }
    }

    func append(_ key: String, _ value: DocValue) { BSON.append(pointer, key, value) }

    /// The document it holds.
    var document: Document { get throws { try with { try BSON.document($0) } } }

    static func append(_ b: OpaquePointer, _ key: String, _ value: DocValue) {
        let n = Int32(key.utf8.count)
        key.withCString { k in
            switch value {
            case .null: _ = bson_append_null(b, k, n)
            case .bool(let v): _ = bson_append_bool(b, k, n, v)
            case .int(let v):
                if let small = Int32(exactly: v) { _ = bson_append_int32(b, k, n, small) }
                else { _ = bson_append_int64(b, k, n, v) }
            case .double(let v): _ = bson_append_double(b, k, n, v)
            case .string(let s): _ = s.withCString { bson_append_utf8(b, k, n, $0, Int32(s.utf8.count)) }
            case .array(let items):
                let child = BSON()
                for (i, item) in items.enumerated() { child.append(String(i), item) }
                _ = child.with { bson_append_array(b, k, n, $0) }
            case .document(let d):
                let child = BSON(d)
                _ = child.with { bson_append_document(b, k, n, $0) }
            }
        }
    }

    /// Calls a libmongoc function that initialises a reply document itself (even when it
    /// fails), and returns what it said with the reply.
    static func reply(_ call: (OpaquePointer) -> Bool) -> (ok: Bool, reply: Document) {
        withStorage { storage in
            let ok = call(storage)
            defer { bson_destroy(storage) }
            return (ok, (try? document(storage)) ?? Document())
        }
    }

    /// Room for one `bson_t` or `bson_iter_t` (128 bytes, 128-byte aligned).
    private static func withStorage<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 128)
        defer { raw.deallocate() }
        return try body(OpaquePointer(raw))
    }

    /// Reads a borrowed `bson_t` into a `Document`.
    static func document(_ b: OpaquePointer) throws -> Document {
        try withStorage { iter in
            guard bson_iter_init(iter, b) else { throw StoreError.failed("MongoDB returned a corrupt BSON document") }
            return Document(try fields(iter))
        }
    }

    private static func fields(_ iter: OpaquePointer) throws -> [(key: String, value: DocValue)] {
        var out: [(key: String, value: DocValue)] = []
        while bson_iter_next(iter) {
            let key = String(cString: bson_iter_key(iter))
            out.append((key, try value(iter, key: key)))
        }
        return out
    }

    private static func value(_ iter: OpaquePointer, key: String) throws -> DocValue {
        let type = bson_iter_type(iter)
        switch type {
        case BSON_TYPE_DOUBLE: return .double(bson_iter_double(iter))
        case BSON_TYPE_INT32: return .int(Int64(bson_iter_int32(iter)))
        case BSON_TYPE_INT64: return .int(bson_iter_int64(iter))
        case BSON_TYPE_BOOL: return .bool(bson_iter_bool(iter))
        case BSON_TYPE_NULL, BSON_TYPE_UNDEFINED: return .null
        case BSON_TYPE_UTF8:
            var length: UInt32 = 0
            let text = bson_iter_utf8(iter, &length)
            return .string(String(decoding: UnsafeRawBufferPointer(start: text, count: Int(length)), as: UTF8.self))
        case BSON_TYPE_DOCUMENT, BSON_TYPE_ARRAY:
            let items = try withStorage { child in
                guard bson_iter_recurse(iter, child) else { throw StoreError.failed("corrupt BSON in field \(key)") }
                return try fields(child)
            }
            return type == BSON_TYPE_ARRAY ? .array(items.map(\.value)) : .document(Document(items))
        case BSON_TYPE_OID:
            var text = [CChar](repeating: 0, count: 25)
            bson_oid_to_string(bson_iter_oid(iter), &text)
            return .string(text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        case BSON_TYPE_DATE_TIME: return .int(bson_iter_date_time(iter))
        case BSON_TYPE_DECIMAL128:
            var d = bson_decimal128_t()
            var text = [CChar](repeating: 0, count: 64)
            guard bson_iter_decimal128(iter, &d) else { return .null }
            bson_decimal128_to_string(&d, &text)
            return .string(text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        default:
            throw StoreError.failed("unsupported BSON type 0x\(String(type.rawValue, radix: 16)) in field \(key)")
        }
    }
}
