/// New documents of one collection already written as JSON, for bulk loading: a first load
/// stores each text as it is instead of building a `Document` per row. Each row stands for
/// the upsert that sets every leaf of its document (`upsert(at:)`: nested documents become
/// dotted paths, so `beams.F.beam_list` is set without replacing the rest of `beams`), which
/// is what a backend applies when the key is already stored.
public struct EncodedDocuments: Sendable {
    /// Where one document's texts are in `bytes`.
    public struct Row: Sendable {
        /// The stored key: the JSON array of the key fields' values (`["RACS_1237+12A_1"]`).
        public var key: Range<Int>
        /// The document (`{...}`), its key fields first.
        public var document: Range<Int>

        public init(key: Range<Int>, document: Range<Int>) {
            self.key = key
            self.document = document
        }
    }

    public let collection: PipelineCollection
    /// Every row's texts, back to back.
    public var bytes: [UInt8] = []
    public var rows: [Row] = []
    /// Per row, per field of `collection.indexedFields`: that field's value as JSON, nil
    /// when the document lacks it.
    public var indexed: [Range<Int>?] = []

    public init(collection: PipelineCollection) {
        self.collection = collection
    }

    public var count: Int { rows.count }

    /// The upsert row `i` stands for: its key fields, and every leaf of its document set
    /// in the document's order (a non-empty nested document by the dotted paths of its leaves).
    public func upsert(at i: Int) throws -> Upsert {
        let text = String(decoding: bytes[rows[i].document], as: UTF8.self)
        guard case .document(let doc) = try JSONText.decode(text) else {
            throw StoreError.failed("\(collection.rawValue): an encoded row is not a document")
        }
        var key = Document()
        for f in collection.keyFields {
            guard let v = doc[f] else {
                throw StoreError.input("\(collection.rawValue): a row lacks the key field \(f)")
            }
            key.fields.append((key: f, value: v))
        }
        var set: [(path: String, value: DocValue)] = []
        func leaves(_ d: Document, under prefix: String?) {
            for f in d.fields {
                let path = prefix.map { $0 + "." + f.key } ?? f.key
                if case .document(let inner) = f.value, !inner.fields.isEmpty {
                    leaves(inner, under: path)
                } else {
                    set.append((path: path, value: f.value))
                }
            }
        }
        leaves(doc, under: nil)
        return Upsert(key: key, set: set)
    }

    /// Every row as its upsert, in order.
    public func upserts() throws -> [Upsert] {
        try rows.indices.map(upsert(at:))
    }
}
