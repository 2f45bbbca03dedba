import Dispatch
import Synchronization

/// The embedded pipeline database (`sqlite:PATH`): one table per epoch and collection,
/// each document stored as JSON text under its key, with secondary-index columns.
/// Upserts of one call run in one transaction.
public final class SQLitePipelineDatabase: PipelineDatabase {
    let connection: SQLiteConnection

    public var displayName: String { "sqlite:\(connection.path)" }

    public init(path: String) throws {
        connection = try SQLiteConnection(path: path)
    }

    static func table(_ c: PipelineCollection, _ epoch: Int) -> String {
        "\"arrakis_epoch_\(epoch).\(c.rawValue)\""
    }

    static func indexColumn(_ field: String) -> String { "\"ix_\(field)\"" }

    private func create(_ c: PipelineCollection, _ epoch: Int) throws {
        let extra = c.indexedFields.map { ", \(Self.indexColumn($0)) TEXT" }.joined()
        try connection.execute("CREATE TABLE IF NOT EXISTS \(Self.table(c, epoch)) (key TEXT PRIMARY KEY, doc TEXT NOT NULL\(extra))")
    }

    /// The stored key: the JSON of the key fields' values.
    static func key(_ c: PipelineCollection, _ d: Document) -> String? {
        var values: [DocValue] = []
        for f in c.keyFields {
            guard let v = d.value(at: f) else { return nil }
            values.append(v)
        }
        return JSONText.encode(.array(values))
    }

    public func upsert(_ collection: PipelineCollection, epoch: Int, _ updates: [Upsert]) throws {
        try create(collection, epoch)
        let table = Self.table(collection, epoch)
        let columns = collection.indexedFields.map(Self.indexColumn)
        let select = try connection.prepare("SELECT doc FROM \(table) WHERE key = ?1")
        let insert = try connection.prepare(
            "INSERT OR REPLACE INTO \(table) (key, doc\(columns.map { ", \($0)" }.joined())) VALUES (?1, ?2\(columns.indices.map { ", ?\($0 + 3)" }.joined()))")
        try connection.transaction {
            // 1. Keys and stored documents, one lookup each, in order.
            var keys: [String] = []
            var stored: [String?] = []
            keys.reserveCapacity(updates.count)
            stored.reserveCapacity(updates.count)
            var seen = Set<String>()
            var repeated = false
            for update in updates {
                guard let key = Self.key(collection, update.key) else {
                    throw StoreError.input("\(collection.rawValue): an upsert lacks the key fields \(collection.keyFields.joined(separator: ", "))")
                }
                if !seen.insert(key).inserted { repeated = true }
                select.bind(1, key)
                stored.append(try select.step() ? select.text(0) : nil)
                select.reset()
                keys.append(key)
            }
            // 2. The new documents as JSON, on every core. A key given twice in one call
            //    must see its first upsert: then one at a time, in order.
            let encoded: [Encoded]
            if repeated {
                encoded = []
            } else if updates.count >= 4096 {
                let chunk = 2048
                let chunks = (updates.count + chunk - 1) / chunk
                let results = Mutex([Result<[Encoded], Error>](repeating: .success([]), count: chunks))
                let stored = stored
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    let range = (c * chunk)..<min(updates.count, (c + 1) * chunk)
                    let r = Result { try Self.encode(updates[range], stored: stored[range], collection) }
                    results.withLock { $0[c] = r }
                }
                encoded = try results.withLock { $0 }.flatMap { try $0.get() }
            } else {
                encoded = try Self.encode(updates[...], stored: stored[...], collection)
            }
            // 3. Stored in order.
            for i in updates.indices {
                let e: Encoded
                if repeated {
                    select.bind(1, keys[i])
                    let text = try select.step() ? select.text(0) : nil
                    select.reset()
                    e = try Self.encode(updates[i...i], stored: [text][...], collection)[0]
                } else {
                    e = encoded[i]
                }
                insert.bind(1, keys[i])
                insert.bind(2, utf8: e.json)
                for (k, value) in e.indexed.enumerated() { insert.bind(Int32(k + 3), value) }
                _ = try insert.step()
                insert.reset()
            }
        }
    }

    /// One document ready to store: its JSON and its secondary-index column values.
    struct Encoded: Sendable {
        var json: [UInt8]
        var indexed: [String?]
    }

    /// Applies each upsert to its stored document (JSON text, nil when new) and encodes the result.
    static func encode(_ updates: ArraySlice<Upsert>, stored: ArraySlice<String?>,
                       _ collection: PipelineCollection) throws -> [Encoded] {
        var shape = SetShape()
        var out: [Encoded] = []
        out.reserveCapacity(updates.count)
        for (update, text) in zip(updates, stored) {
            var doc: Document
            if let text, case .document(let old) = try JSONText.decode(text) {
                doc = old
                for s in update.set { doc.set(s.path, s.value) }
            } else {
                doc = newDocument(update, shape: shape.isPlain(update) ? shape : nil)
            }
            var json: [UInt8] = []
            json.reserveCapacity(512)
            JSONText.write(.document(doc), into: &json)
            out.append(Encoded(json: json, indexed: collection.indexedFields.map { doc.value(at: $0).map { JSONText.encode($0) } }))
        }
        return out
    }

    /// Whether an upsert's set paths are plain (undotted and distinct), and which of them
    /// name a key field; remembered for the last list of paths, since a bulk load repeats
    /// one list (a catalogue row sets every column, its key column among them).
    struct SetShape {
        var paths: [String] = []
        var keys: [String] = []
        var plain = false
        /// Per set path: the index of the key field it names, or -1.
        var keySlots: [Int] = []

        mutating func isPlain(_ update: Upsert) -> Bool {
            let keyNames = update.key.fields.map(\.key)
            if keyNames == keys && update.set.count == paths.count
                && zip(update.set, paths).allSatisfy({ $0.path == $1 }) {
                return plain
            }
            paths = update.set.map(\.path)
            keys = keyNames
            plain = Set(paths).count == paths.count && Set(keyNames).count == keyNames.count
                && !(paths + keyNames).contains { $0.utf8.contains(0x2E) }
            keySlots = paths.map { keyNames.firstIndex(of: $0) ?? -1 }
            return plain
        }
    }

    /// The document an upsert inserts: its key fields, then each set path in order (a set
    /// path naming a key field replaces that field's value in place). When the paths are
    /// `plain` (see `SetShape`) no field is searched for, which keeps bulk loading linear
    /// in the number of fields.
    static func newDocument(_ update: Upsert, shape: SetShape?) -> Document {
        var doc = Document()
        doc.fields.reserveCapacity(update.key.fields.count + update.set.count)
        if let shape, shape.plain {
            for f in update.key.fields { doc.fields.append((key: f.key, value: f.value)) }
            for (s, slot) in zip(update.set, shape.keySlots) {
                if slot >= 0 { doc.fields[slot].value = s.value } else { doc.fields.append((key: s.path, value: s.value)) }
            }
        } else {
            for f in update.key.fields { doc.set(f.key, f.value) }
            for s in update.set { doc.set(s.path, s.value) }
        }
        return doc
    }

    public func find(_ collection: PipelineCollection, epoch: Int, _ filter: Filter) throws -> [Document] {
        guard try exists(collection, epoch) else { return [] }
        var sql = "SELECT doc FROM \(Self.table(collection, epoch))"
        var binds: [String] = []
        var rest: [(path: String, value: DocValue)] = []
        for condition in filter.equals {
            if collection.keyFields == [condition.path] {
                sql += binds.isEmpty ? " WHERE" : " AND"
                sql += " key = ?\(binds.count + 1)"
                binds.append(JSONText.encode(.array([condition.value])))
            } else if collection.indexedFields.contains(condition.path) {
                sql += binds.isEmpty ? " WHERE" : " AND"
                sql += " \(Self.indexColumn(condition.path)) = ?\(binds.count + 1)"
                binds.append(JSONText.encode(condition.value))
            } else {
                rest.append(condition)
            }
        }
        let stmt = try connection.prepare(sql)
        for (i, b) in binds.enumerated() { stmt.bind(Int32(i + 1), b) }
        var out: [Document] = []
        while try stmt.step() {
            guard let text = stmt.text(0), case .document(let d) = try JSONText.decode(text) else { continue }
            if rest.allSatisfy({ condition in
                d.value(at: condition.path).map { DocOrder.equal($0, condition.value) } ?? false
            }) {
                out.append(d)
            }
        }
        let keys = collection.keyFields
        out.sort { a, b in DocOrder.less(keys.map { a.value(at: $0) ?? .null }, keys.map { b.value(at: $0) ?? .null }) }
        return out
    }

    public func count(_ collection: PipelineCollection, epoch: Int) throws -> Int {
        guard try exists(collection, epoch) else { return 0 }
        let stmt = try connection.prepare("SELECT count(*) FROM \(Self.table(collection, epoch))")
        _ = try stmt.step()
        return Int(stmt.int(0))
    }

    public func ensureIndexes(epoch: Int) throws {
        for c in PipelineCollection.allCases {
            try create(c, epoch)
            for field in c.indexedFields {
                let name = "\"arrakis_epoch_\(epoch).\(c.rawValue).\(field)\""
                try connection.execute("CREATE INDEX IF NOT EXISTS \(name) ON \(Self.table(c, epoch)) (\(Self.indexColumn(field)))")
            }
        }
    }

    public var isTransactional: Bool { true }

    public func atomically(_ body: () throws -> Void) throws {
        try connection.transaction(body)
    }

    public func drop(epoch: Int) throws {
        try connection.transaction {
            for c in PipelineCollection.allCases {
                try connection.execute("DROP TABLE IF EXISTS \(Self.table(c, epoch))")
            }
        }
    }

    public func epochs() throws -> [Int] {
        let stmt = try connection.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'arrakis_epoch_%'")
        var found = Set<Int>()
        while try stmt.step() {
            guard let name = stmt.text(0) else { continue }
            let digits = name.dropFirst("arrakis_epoch_".count).prefix { $0.isNumber }
            if let n = Int(digits) { found.insert(n) }
        }
        return found.sorted()
    }

    private func exists(_ c: PipelineCollection, _ epoch: Int) throws -> Bool {
        let stmt = try connection.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1")
        stmt.bind(1, "arrakis_epoch_\(epoch).\(c.rawValue)")
        return try stmt.step()
    }
}

/// Ordering and equality of values as MongoDB compares them (numbers by value across
/// int/double, then strings, then everything else by its JSON text).
enum DocOrder {
    static func rank(_ v: DocValue) -> Int {
        switch v {
        case .null: return 0
        case .int, .double: return 1
        case .string: return 2
        case .document: return 3
        case .array: return 4
        case .bool: return 5
        }
    }

    static func equal(_ a: DocValue, _ b: DocValue) -> Bool {
        if let x = a.double, let y = b.double { return x == y }
        return a == b
    }

    static func less(_ a: DocValue, _ b: DocValue) -> Bool {
        let ra = rank(a), rb = rank(b)
        if ra != rb { return ra < rb }
        switch (a, b) {
        case (.string(let x), .string(let y)): return x < y
        default:
            if let x = a.double, let y = b.double { return x < y }
            return JSONText.encode(a) < JSONText.encode(b)
        }
    }

    static func less(_ a: [DocValue], _ b: [DocValue]) -> Bool {
        for (x, y) in zip(a, b) where !equal(x, y) {
            return less(x, y)
        }
        return a.count < b.count
    }
}
