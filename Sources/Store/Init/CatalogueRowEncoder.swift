/// Writes catalogue rows straight to the JSON documents a first load stores: the documents
/// the rows' upserts would make (the key column first, then the other columns in order)
/// without a `DocValue` per field or a `Document` per row. A CSV field that is a plain JSON
/// number or plain ASCII text is copied as it is; anything else goes through the value
/// `CSVRowReader` makes of it, so the stored documents are the same either way.
struct CatalogueRowEncoder {
    private(set) var documents: EncodedDocuments
    private let keyColumn: Int
    /// Columns in document order: the key first, then the others.
    private let order: [Int]
    /// Per column: `"name":`.
    private let names: [[UInt8]]
    /// Per column: its place in `collection.indexedFields`, or -1.
    private let indexedSlot: [Int]
    private let indexedCount: Int
    private var rowIndexed: [Range<Int>?]

    init(collection: PipelineCollection, columns: [String], keyColumn: Int) {
        documents = EncodedDocuments(collection: collection)
        self.keyColumn = keyColumn
        order = [keyColumn] + columns.indices.filter { $0 != keyColumn }
        names = columns.map { name in
            var out: [UInt8] = []
            JSONText.writeString(name, into: &out)
            out.append(0x3A)
            return out
        }
        let fields = collection.indexedFields
        indexedSlot = columns.map { fields.firstIndex(of: $0) ?? -1 }
        indexedCount = fields.count
        rowIndexed = Array(repeating: nil, count: fields.count)
    }

    var count: Int { documents.count }

    /// Appends one row given as a CSV line and its fields' ranges.
    mutating func append(line: ArraySlice<UInt8>, cells: [Range<Int>]) {
        append { column, out in Self.writeField(line[cells[column]], into: &out) }
    }

    /// Appends one row given as values (a line the general CSV splitter read).
    mutating func append(values: [DocValue]) {
        append { column, out in JSONText.write(values[column], into: &out) }
    }

    private mutating func append(_ write: (Int, inout [UInt8]) -> Void) {
        let keyStart = documents.bytes.count
        documents.bytes.append(0x5B)
        write(keyColumn, &documents.bytes)
        documents.bytes.append(0x5D)
        let docStart = documents.bytes.count
        documents.bytes.append(0x7B)
        for (n, column) in order.enumerated() {
            if n > 0 { documents.bytes.append(0x2C) }
            documents.bytes.append(contentsOf: names[column])
            let start = documents.bytes.count
            write(column, &documents.bytes)
            let slot = indexedSlot[column]
            if slot >= 0 { rowIndexed[slot] = start..<documents.bytes.count }
        }
        documents.bytes.append(0x7D)
        documents.rows.append(.init(key: keyStart..<docStart, document: docStart..<documents.bytes.count))
        for k in 0..<indexedCount {
            documents.indexed.append(rowIndexed[k])
            rowIndexed[k] = nil
        }
    }

    /// The rows appended so far; starts a new block.
    mutating func take() -> EncodedDocuments {
        let block = documents
        documents = EncodedDocuments(collection: block.collection)
        documents.bytes.reserveCapacity(block.bytes.count)
        documents.rows.reserveCapacity(block.rows.count)
        documents.indexed.reserveCapacity(block.indexed.count)
        return block
    }

    /// One CSV field as JSON: the JSON of `CSVRowReader.value(field)`.
    static func writeField(_ field: ArraySlice<UInt8>, into out: inout [UInt8]) {
        var lo = field.startIndex, hi = field.endIndex
        while lo < hi && (field[lo] == 32 || field[lo] == 9) { lo += 1 }
        while hi > lo && (field[hi - 1] == 32 || field[hi - 1] == 9) { hi -= 1 }
        if lo == hi {
            out.append(contentsOf: "null".utf8)
            return
        }
        let first = field[lo]
        if (first >= 48 && first <= 57) || first == 45 {
            if isPlainNumber(field[lo..<hi]) {
                out.append(contentsOf: field[lo..<hi])
                return
            }
        } else if !(first == 43 || first == 46 || first == 73 || first == 78 || first == 105 || first == 110) {
            // Text (it cannot be read as a number): kept whole, as `CSVRowReader.value` keeps it.
            if field.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }) {
                out.append(0x22)
                out.append(contentsOf: field)
                out.append(0x22)
                return
            }
        }
        JSONText.write(CSVRowReader.value(field), into: &out)
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?`: a number whose text is valid JSON and reads back as
    /// the value `CSVRowReader.value` makes (an integer without a point, else a double).
    static func isPlainNumber(_ bytes: ArraySlice<UInt8>) -> Bool {
        var i = bytes.startIndex
        let end = bytes.endIndex
        if bytes[i] == 45 { i += 1 }
        guard i < end else { return false }
        if bytes[i] == 48 {
            i += 1
        } else {
            guard bytes[i] >= 49 && bytes[i] <= 57 else { return false }
            while i < end && bytes[i] >= 48 && bytes[i] <= 57 { i += 1 }
        }
        guard i < end else { return true }
        guard bytes[i] == 46 else { return false }
        i += 1
        guard i < end else { return false }
        while i < end {
            guard bytes[i] >= 48 && bytes[i] <= 57 else { return false }
            i += 1
        }
        return true
    }
}
