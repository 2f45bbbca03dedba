/// An island as beam matching needs it.
public struct IslandPosition: Sendable {
    public var sourceID: String
    public var sourceName: DocValue
    public var ra: Double
    public var dec: Double

    public init(sourceID: String, sourceName: DocValue, ra: Double, dec: Double) {
        self.sourceID = sourceID
        self.sourceName = sourceName
        self.ra = ra
        self.dec = dec
    }
}

/// Streams the island and component catalogues (FITS or CSV) a row at a time: checks the
/// required columns, that keys are present and unique, that every component belongs to a
/// listed island and that neither table is empty, and hands each block of rows to `write`
/// as upserts. Only the islands' positions are kept, for beam matching.
struct CatalogueLoader {
    static let islandColumns = ["Source_Name", "Source_ID", "Tile_ID", "RA", "Dec"]
    static let componentColumns = ["Source_ID", "Gaussian_ID", "RA", "Dec", "Maj"]
    static let blockRows = 20_000

    var islandsPath: String
    var componentsPath: String
    /// Told every `progressRows` rows of a table.
    var progress: (String) -> Void = { _ in }
    static let progressRows = 500_000

    struct Result {
        var islands: [IslandPosition] = []
        /// The catalogue's Tile_IDs (a field is DR1 when it is one of them).
        var tiles = Set<String>()
        var components = 0
    }

    typealias Writer = (PipelineCollection, [Upsert]) throws -> Void
    /// Takes blocks of new documents written straight from CSV rows (`CatalogueRowEncoder`).
    typealias EncodedWriter = (EncodedDocuments) throws -> Void

    /// Reads both tables, checking them, and hands their rows to `write` a block at a time
    /// (nothing is written without it). With `writeEncoded`, tables whose column names are
    /// plain (no `.`) go to it as JSON documents instead.
    func load(write: Writer?, writeEncoded: EncodedWriter? = nil) throws -> Result {
        var result = Result()
        var islandIDs = Set<String>()
        try stream(islandsPath, required: Self.islandColumns, key: "Source_ID", collection: .islands, write: write, writeEncoded: writeEncoded) { rows, row, values in
            let id = values[row.key].string!
            guard islandIDs.insert(id).inserted else {
                throw StoreError.input("\(rows.path): duplicate Source_ID \(id) at \(rows.location)")
            }
            if case .string(let tile) = values[row.tile] { result.tiles.insert(tile) }
            let ra = values[row.ra].double ?? .nan, dec = values[row.dec].double ?? .nan
            result.islands.append(IslandPosition(sourceID: id, sourceName: values[row.name], ra: ra, dec: dec))
        }
        var componentIDs = Set<String>()
        try stream(componentsPath, required: Self.componentColumns, key: "Gaussian_ID", collection: .components, write: write, writeEncoded: writeEncoded) { rows, row, values in
            let id = values[row.key].string!
            guard componentIDs.insert(id).inserted else {
                throw StoreError.input("\(rows.path): duplicate Gaussian_ID \(id) at \(rows.location)")
            }
            let island = values[row.sourceID].string ?? ""
            guard islandIDs.contains(island) else {
                throw StoreError.input("\(rows.path): component \(id) at \(rows.location) belongs to island \(island.isEmpty ? "?" : island), which is not in \(islandsPath)")
            }
            result.components += 1
        }
        return result
    }

    /// Column positions of one table (-1 for a column it lacks), found once.
    struct Layout {
        var columns: [String]
        var key: Int
        var sourceID: Int, name: Int, tile: Int, ra: Int, dec: Int

        init(columns: [String], key: String) {
            self.columns = columns
            func index(_ name: String) -> Int { columns.firstIndex(of: name) ?? -1 }
            self.key = index(key)
            sourceID = index("Source_ID")
            name = index("Source_Name")
            tile = index("Tile_ID")
            ra = index("RA")
            dec = index("Dec")
        }
    }

    private func stream(_ path: String, required: [String], key: String, collection: PipelineCollection, write: Writer?,
                        writeEncoded: EncodedWriter?, check: (CatalogueRows, Layout, [DocValue]) throws -> Void) throws {
        let rows = try CatalogueRowsOpener.open(path)
        let columns = rows.columns
        for name in required where !columns.contains(name) {
            throw StoreError.input("\(path): missing column \(name) (a catalogue needs \(required.joined(separator: ", ")); found \(columns.prefix(12).joined(separator: ", "))\(columns.count > 12 ? ", ..." : ""))")
        }
        let layout = Layout(columns: columns, key: key)
        if let writeEncoded, !columns.contains(where: { $0.utf8.contains(0x2E) }) {
            return try streamEncoded(rows, layout: layout, collection: collection, write: writeEncoded, check: check)
        }
        let writer = write.map { _ in BlockWriter() }
        // On an error, the block being written finishes before the caller rolls back.
        defer { try? writer?.finish() }
        var block: [[DocValue]] = []
        block.reserveCapacity(Self.blockRows)
        let keyIndex = layout.key
        let make: @Sendable ([[DocValue]]) -> [Upsert] = { rows in
            rows.map { values in
                Upsert(key: [key: values[keyIndex]], set: zip(columns, values).map { (path: $0, value: $1) })
            }
        }
        var count = 0
        while let values = try rows.next() {
            guard case .string(let id) = values[layout.key], !id.isEmpty else {
                throw StoreError.input("\(path): \(rows.location) has no \(key)")
            }
            try check(rows, layout, values)
            count += 1
            if count % Self.progressRows == 0 { progress("\(collection.rawValue): \(count) rows read from \(path)") }
            if let writer {
                block.append(values)
                if block.count == Self.blockRows {
                    try writer.submit(collection, block, make: make, write: write!)
                    block = []
                    block.reserveCapacity(Self.blockRows)
                }
            }
        }
        if count == 0 { throw StoreError.input("\(path): the catalogue has no rows") }
        if let writer {
            if !block.isEmpty { try writer.submit(collection, block, make: make, write: write!) }
            try writer.finish()
        }
    }

    /// `stream` for a table written as JSON documents (no `Upsert` per row); of a CSV table,
    /// only the fields the checks need become values.
    private func streamEncoded(_ rows: CatalogueRows, layout: Layout, collection: PipelineCollection, write: @escaping EncodedWriter,
                               check: (CatalogueRows, Layout, [DocValue]) throws -> Void) throws {
        let path = rows.path
        let writer = BlockWriter()
        defer { try? writer.finish() }
        var encoder = CatalogueRowEncoder(collection: collection, columns: layout.columns, keyColumn: layout.key)
        let needed = Array(Set([layout.key, layout.sourceID, layout.name, layout.tile, layout.ra, layout.dec].filter { $0 >= 0 })).sorted()
        var values = [DocValue](repeating: .null, count: layout.columns.count)
        var cells: [Range<Int>] = []
        cells.reserveCapacity(layout.columns.count)
        var count = 0
        let csv = rows as? CSVRowReader
        func next() throws -> CSVRowReader.RawRow? {
            if let csv { return try csv.nextCells(&cells) }
            return try rows.next().map { .values($0) }
        }
        while let row = try next() {
            switch row {
            case .cells(let line):
                for i in needed { values[i] = CSVRowReader.value(line[cells[i]]) }
            case .values(let v):
                for i in needed { values[i] = v[i] }
            }
            guard case .string(let id) = values[layout.key], !id.isEmpty else {
                throw StoreError.input("\(path): \(rows.location) has no \(layout.columns[layout.key])")
            }
            try check(rows, layout, values)
            switch row {
            case .cells(let line): encoder.append(line: line, cells: cells)
            case .values(let v): encoder.append(values: v)
            }
            count += 1
            if count % Self.progressRows == 0 { progress("\(collection.rawValue): \(count) rows read from \(path)") }
            if encoder.count == Self.blockRows {
                let block = encoder.take()
                try writer.submit { try write(block) }
            }
        }
        if count == 0 { throw StoreError.input("\(path): the catalogue has no rows") }
        if encoder.count > 0 {
            let block = encoder.take()
            try writer.submit { try write(block) }
        }
        try writer.finish()
    }
}
