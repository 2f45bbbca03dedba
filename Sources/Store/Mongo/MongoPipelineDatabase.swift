import CMongoC

/// The pipeline database on a MongoDB server, with the original Arrakis schema: database
/// `arrakis_epoch_<N>`, collections islands, components, beams, fields, beam_inf.
///
/// Authenticates with SCRAM-SHA-256 against `admin` (as the original's users do) unless the
/// URL says otherwise; the password is set on libmongoc's URI object, never written into a
/// URI string. Opening pings the server, so a wrong password or an unreachable server is
/// reported here. Not thread-safe: use one instance per thread.
public final class MongoPipelineDatabase: PipelineDatabase {
    public var displayName: String { client.displayName }
    let client: MongoClient

    public init(url: DatabaseURL, credentials: Credentials, serverSelectionTimeoutMS: Int = 5000) throws {
        client = try MongoClient(url: url, credentials: credentials, serverSelectionTimeoutMS: serverSelectionTimeoutMS)
        try client.command("admin", ["ping": 1])
    }

    /// The MongoDB database that holds one epoch.
    public static func databaseName(epoch: Int) -> String { "arrakis_epoch_\(epoch)" }

    /// New documents are inserted whole (key fields, then the paths in the order given);
    /// existing ones get a `$set` of the paths (`update_one`, `upsert: true`). Inserting
    /// keeps the field order, which a `$set` would not: MongoDB 5+ applies `$set` fields in
    /// lexicographic order. One ordered bulk write per call, after one lookup of which keys
    /// exist (per 5000 keys; fast once `ensureIndexes` made the key indexes).
    public func upsert(_ collection: PipelineCollection, epoch: Int, _ updates: [Upsert]) throws {
        guard !updates.isEmpty else { return }
        if updates.contains(where: { $0.key.fields.isEmpty }) {
            throw StoreError.input("upsert into \(collection.rawValue) without a key")
        }
        let database = Self.databaseName(epoch: epoch)
        var known = try existingKeys(collection, database, updates.map(\.key))
        try client.withCollection(database, collection.rawValue) { coll in
            let bulk = BSON(["ordered": true]).with { mongoc_collection_create_bulk_operation_with_opts(coll, $0)! }
            defer { mongoc_bulk_operation_destroy(bulk) }
            var error = bson_error_t()
            let upsertOpts = BSON(["upsert": true])
            var operations = 0
            for update in updates {
                let added: Bool
                if known.insert(Self.identity(update.key)).inserted {
                    var doc = update.key
                    for (path, value) in update.set { doc.set(path, value) }
                    added = BSON(doc).with { mongoc_bulk_operation_insert_with_opts(bulk, $0, nil, &error) }
                } else if !update.set.isEmpty {
                    let change = BSON(["$set": .document(Document(update.set.map { (key: $0.path, value: $0.value) }))])
                    added = BSON(update.key).with { selector in
                        change.with { change in
                            upsertOpts.with { mongoc_bulk_operation_update_one_with_opts(bulk, selector, change, $0, &error) }
                        }
                    }
                } else {
                    continue
                }
                guard added else { throw client.failure(error, "upsert into \(database).\(collection.rawValue)") }
                operations += 1
            }
            guard operations > 0 else { return }
            let result = BSON.reply { mongoc_bulk_operation_execute(bulk, $0, &error) != 0 }
            guard result.ok else { throw client.failure(error, "upsert into \(database).\(collection.rawValue)") }
        }
    }

    public func find(_ collection: PipelineCollection, epoch: Int, _ filter: Filter) throws -> [Document] {
        let database = Self.databaseName(epoch: epoch)
        var sort = Document()
        for key in collection.keyFields { sort[key] = 1 }
        let query = BSON(Document(filter.equals.map { (key: $0.path, value: $0.value) }))
        let opts = BSON(["projection": .document(["_id": 0]), "sort": .document(sort)])
        return try client.withCollection(database, collection.rawValue) { coll in
            let cursor = query.with { q in opts.with { mongoc_collection_find_with_opts(coll, q, $0, nil)! } }
            return try client.drain(cursor, "find in \(database).\(collection.rawValue)")
        }
    }

    public func count(_ collection: PipelineCollection, epoch: Int) throws -> Int {
        let database = Self.databaseName(epoch: epoch)
        return try client.withCollection(database, collection.rawValue) { coll in
            var error = bson_error_t()
            let n = BSON().with { mongoc_collection_count_documents(coll, $0, nil, nil, nil, &error) }
            guard n >= 0 else { throw client.failure(error, "count in \(database).\(collection.rawValue)") }
            return Int(n)
        }
    }

    /// One index on each collection's key fields (unique where the key is one field:
    /// islands/beams Source_ID, components Gaussian_ID), plus `indexedFields`. An index the
    /// original made under the same name with other options is kept as it is.
    public func ensureIndexes(epoch: Int) throws {
        let database = Self.databaseName(epoch: epoch)
        for collection in PipelineCollection.allCases {
            var specs: [Document] = [Self.indexSpec(collection.keyFields, unique: collection.keyFields.count == 1)]
            specs += collection.indexedFields.map { Self.indexSpec([$0], unique: false) }
            for spec in specs {
                // 85 IndexOptionsConflict, 86 IndexKeySpecsConflict.
                try client.command(database, ["createIndexes": .string(collection.rawValue), "indexes": [.document(spec)]],
                                   ignoring: [85, 86])
            }
        }
    }

    /// The index specifications of one collection (`listIndexes`), `_id_` included.
    public func indexes(_ collection: PipelineCollection, epoch: Int) throws -> [Document] {
        let database = Self.databaseName(epoch: epoch)
        return try client.withCollection(database, collection.rawValue) { coll in
            let cursor = mongoc_collection_find_indexes_with_opts(coll, nil)!
            return try client.drain(cursor, "listIndexes in \(database).\(collection.rawValue)")
        }
    }

    public func drop(epoch: Int) throws {
        let database = Self.databaseName(epoch: epoch)
        let db = mongoc_client_get_database(client.pointer, database)!
        defer { mongoc_database_destroy(db) }
        var error = bson_error_t()
        guard mongoc_database_drop_with_opts(db, nil, &error) else { throw client.failure(error, "dropDatabase \(database)") }
    }

    public func epochs() throws -> [Int] {
        var error = bson_error_t()
        guard let names = mongoc_client_get_database_names_with_opts(client.pointer, nil, &error) else {
            throw client.failure(error, "listDatabases")
        }
        defer { bson_strfreev(names) }
        var out: [Int] = []
        var i = 0
        while let name = names[i] {
            let text = String(cString: name)
            if text.hasPrefix("arrakis_epoch_"), let n = Int(text.dropFirst("arrakis_epoch_".count)), n >= 0 { out.append(n) }
            i += 1
        }
        return out.sorted()
    }

    // MARK: - Keys

    private static func indexSpec(_ fields: [String], unique: Bool) -> Document {
        var key = Document()
        for f in fields { key[f] = 1 }
        var spec: Document = ["key": .document(key), "name": .string(fields.map { "\($0)_1" }.joined(separator: "_"))]
        if unique { spec["unique"] = true }
        return spec
    }

    /// The identity of a key document: its fields sorted by name, whole doubles as integers
    /// (the server matches 5 and 5.0 alike).
    static func identity(_ key: Document) -> String {
        let fields = key.fields.sorted { $0.key < $1.key }.map { field -> (key: String, value: DocValue) in
            if case .double(let d) = field.value, let i = Int64(exactly: d) { return (field.key, .int(i)) }
            return field
        }
        return JSONText.encode(.document(Document(fields)))
    }

    /// The identities of the keys that already have a document.
    private func existingKeys(_ collection: PipelineCollection, _ database: String, _ keys: [Document]) throws -> Set<String> {
        var names: [String] = []
        for key in keys { for name in key.keys where !names.contains(name) { names.append(name) } }
        var projection: Document = ["_id": 0]
        for name in names { projection[name] = 1 }
        let opts = BSON(["projection": .document(projection)])
        var found = Set<String>()
        var start = 0
        while start < keys.count {
            let chunk = keys[start..<min(start + 5000, keys.count)]
            start += chunk.count
            let filter: Document
            if names.count == 1, chunk.allSatisfy({ $0.fields.count == 1 }) {
                filter = [names[0]: .document(["$in": .array(chunk.map { $0.fields[0].value })])]
            } else {
                filter = ["$or": .array(chunk.map { .document($0) })]
            }
            let query = BSON(filter)
            let docs = try client.withCollection(database, collection.rawValue) { coll in
                let cursor = query.with { q in opts.with { mongoc_collection_find_with_opts(coll, q, $0, nil)! } }
                return try client.drain(cursor, "find in \(database).\(collection.rawValue)")
            }
            for doc in docs { found.insert(Self.identity(doc)) }
        }
        return found
    }
}
