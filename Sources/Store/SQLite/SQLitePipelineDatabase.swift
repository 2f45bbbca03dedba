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
        guard !updates.isEmpty else { return }
        try create(collection, epoch)
        let table = Self.table(collection, epoch)
        let columns = collection.indexedFields.map(Self.indexColumn)
        let select = try connection.prepare("SELECT doc FROM \(table) WHERE key = ?1")
        let values = "(key, doc\(columns.map { ", \($0)" }.joined())) VALUES (?1, ?2\(columns.indices.map { ", ?\($0 + 3)" }.joined()))"
        let replace = try connection.prepare("INSERT OR REPLACE INTO \(table) \(values)")
        try connection.transaction {
            var keys: [String] = []
            keys.reserveCapacity(updates.count)
            for update in updates {
                guard let key = Self.key(collection, update.key) else {
                    throw StoreError.input("\(collection.rawValue): an upsert lacks the key fields \(collection.keyFields.joined(separator: ", "))")
                }
                keys.append(key)
            }
            func stored(_ key: String) throws -> String? {
                select.bind(1, key)
                defer { select.reset() }
                return try select.step() ? select.text(0) : nil
            }
            func store(_ statement: SQLiteStatement, _ key: String, _ e: Encoded) throws {
                statement.bind(1, key)
                statement.bind(2, utf8: e.json)
                for (k, value) in e.indexed.enumerated() { statement.bind(Int32(k + 3), value) }
                _ = try statement.step()
                statement.reset()
            }
            /// Merges one upsert into its stored document, read now (so a key given twice
            /// in one call sees its first upsert).
            func merge(_ i: Int) throws {
                let e = try Self.encode(updates[i...i], stored: [try stored(keys[i])][...], collection)[0]
                try store(replace, keys[i], e)
            }
            if try stored(keys[0]) == nil {
                // Most likely new documents (a first load): encoded as new on every core and
                // inserted without a lookup; a key already stored is merged instead.
                let insert = try connection.prepare("INSERT OR IGNORE INTO \(table) \(values)")
                let encoded = try Self.encodeInParallel(updates, stored: nil, collection)
                for i in updates.indices {
                    try store(insert, keys[i], encoded[i])
                    if connection.changes == 0 { try merge(i) }
                }
                return
            }
            // Most likely stored documents (a re-run): each read, merged and encoded on every
            // core; a key given twice in one call is merged one upsert at a time, in order.
            var repeated = false
            var seen = Set<String>()
            for key in keys where !seen.insert(key).inserted { repeated = true; break }
            if repeated {
                for i in updates.indices { try merge(i) }
                return
            }
            var texts: [String?] = []
            texts.reserveCapacity(updates.count)
            for key in keys { texts.append(try stored(key)) }
            let encoded = try Self.encodeInParallel(updates, stored: texts, collection)
            for i in updates.indices { try store(replace, keys[i], encoded[i]) }
        }
    }

    /// Inserts each text as it is, without a lookup; a key already stored (the insert is
    /// ignored) is merged as its row's upsert after the others, as `upsert` does, unless the
    /// stored document is this very text (a re-run of the same load), which the upsert
    /// would leave as it is.
    public func insertNew(_ documents: EncodedDocuments, epoch: Int) throws {
        guard !documents.rows.isEmpty else { return }
        let collection = documents.collection
        try create(collection, epoch)
        let columns = collection.indexedFields.map(Self.indexColumn)
        let values = "(key, doc\(columns.map { ", \($0)" }.joined())) VALUES (?1, ?2\(columns.indices.map { ", ?\($0 + 3)" }.joined()))"
        let insert = try connection.prepare("INSERT OR IGNORE INTO \(Self.table(collection, epoch)) \(values)")
        let select = try connection.prepare("SELECT doc FROM \(Self.table(collection, epoch)) WHERE key = ?1")
        let n = columns.count
        try connection.transaction {
            var stored: [Upsert] = []
            try documents.bytes.withUnsafeBufferPointer { buffer in
                let base = buffer.baseAddress!
                for (r, row) in documents.rows.enumerated() {
                    insert.bind(1, borrowing: base, row.key)
                    insert.bind(2, borrowing: base, row.document)
                    for k in 0..<n {
                        if let range = documents.indexed[r * n + k] {
                            insert.bind(Int32(k + 3), borrowing: base, range)
                        } else {
                            insert.bind(Int32(k + 3), nil)
                        }
                    }
                    _ = try insert.step()
                    insert.reset()
                    guard connection.changes == 0 else { continue }
                    select.bind(1, borrowing: base, row.key)
                    let same = try select.step() && select.textEquals(0, base, row.document)
                    select.reset()
                    if !same { stored.append(try documents.upsert(at: r)) }
                }
            }
            if !stored.isEmpty { try upsert(collection, epoch: epoch, stored) }
        }
    }

    /// `encode` over all the updates, in chunks on every core when there are many.
    static func encodeInParallel(_ updates: [Upsert], stored: [String?]?, _ collection: PipelineCollection) throws -> [Encoded] {
        let none = [String?](repeating: nil, count: updates.count)
        let stored = stored ?? none
        guard updates.count >= 4096 else { return try encode(updates[...], stored: stored[...], collection) }
        let chunk = 2048
        let chunks = (updates.count + chunk - 1) / chunk
        let results = Mutex([Result<[Encoded], Error>](repeating: .success([]), count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let range = (c * chunk)..<min(updates.count, (c + 1) * chunk)
            let r = Result { try encode(updates[range], stored: stored[range], collection) }
            results.withLock { $0[c] = r }
        }
        return try results.withLock { $0 }.flatMap { try $0.get() }
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
            var json: [UInt8] = []
            json.reserveCapacity(512)
            if text == nil, shape.isPlain(update) {
                shape.index(collection.indexedFields)
                // A new document of plain fields (a catalogue row): written straight from the
                // upsert, in `newDocument`'s order, without building the document.
                writeNew(update, shape: shape, into: &json)
                out.append(Encoded(json: json, indexed: shape.indexedSlots.map { slot in
                    slot.map { slot in JSONText.encode(slot < 0 ? update.key.fields[-1 - slot].value : update.set[slot].value) }
                }))
                continue
            }
            var doc: Document
            if let text, case .document(let old) = try JSONText.decode(text) {
                doc = old
                for s in update.set { doc.set(s.path, s.value) }
            } else {
                doc = newDocument(update, shape: shape.isPlain(update) ? shape : nil)
            }
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

        /// Per key field: the set path that replaces its value, or -1.
        var keyOverrides: [Int] = []
        /// The fields `indexedSlots` was found for, and per field where its value is in an
        /// upsert of this shape: a set path's index, -1 - a key field's index, or nil.
        var indexed: [String] = []
        var indexedSlots: [Int?] = []

        mutating func isPlain(_ update: Upsert) -> Bool {
            let same = update.key.fields.count == keys.count && update.set.count == paths.count
                && zip(update.key.fields, keys).allSatisfy({ $0.key == $1 })
                && zip(update.set, paths).allSatisfy({ $0.path == $1 })
            if same { return plain }
            let keyNames = update.key.fields.map(\.key)
            paths = update.set.map(\.path)
            keys = keyNames
            plain = Set(paths).count == paths.count && Set(keyNames).count == keyNames.count
                && !(paths + keyNames).contains { $0.utf8.contains(0x2E) }
            keySlots = paths.map { keyNames.firstIndex(of: $0) ?? -1 }
            keyOverrides = keyNames.map { paths.firstIndex(of: $0) ?? -1 }
            indexed = []
            indexedSlots = []
            return plain
        }

        /// Finds where each of `fields` (undotted) is in upserts of this plain shape.
        mutating func index(_ fields: [String]) {
            guard fields != indexed || indexedSlots.count != fields.count else { return }
            indexed = fields
            indexedSlots = fields.map { f in
                if let i = paths.firstIndex(of: f) { return i }
                if let k = keys.firstIndex(of: f) { return -1 - k }
                return nil
            }
        }
    }

    /// The JSON of `newDocument(update, shape:)` for a plain shape, written directly.
    static func writeNew(_ update: Upsert, shape: SetShape, into json: inout [UInt8]) {
        json.append(0x7B)
        var first = true
        for (k, f) in update.key.fields.enumerated() {
            if !first { json.append(0x2C) }
            first = false
            JSONText.writeString(f.key, into: &json)
            json.append(0x3A)
            let o = shape.keyOverrides[k]
            JSONText.write(o >= 0 ? update.set[o].value : f.value, into: &json)
        }
        for (s, slot) in zip(update.set, shape.keySlots) where slot < 0 {
            if !first { json.append(0x2C) }
            first = false
            JSONText.writeString(s.path, into: &json)
            json.append(0x3A)
            JSONText.write(s.value, into: &json)
        }
        json.append(0x7D)
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

    /// One transaction in rollback-journal mode when no other connection has the database
    /// open: a write-ahead log would take every page twice (into the log, then into the
    /// database at the checkpoint), which for a first load of gigabytes is most of its
    /// writing. The rollback journal holds only the pages that existed before, so a crash
    /// still leaves the database as it was; synchronous=FULL meanwhile. Other connections
    /// opened during the load wait for it (busy timeout) instead of reading the old state.
    /// Back to the write-ahead log afterwards (which later connections also ask for).
    public func atomicallyInBulk(_ body: () throws -> Void) throws {
        guard connection.setJournalMode("delete") else {
            try connection.transaction(body)
            return
        }
        defer {
            try? connection.execute("PRAGMA synchronous=NORMAL")
            _ = connection.setJournalMode("wal")
        }
        try connection.execute("PRAGMA synchronous=FULL")
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
