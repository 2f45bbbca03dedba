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

    func load(write: Writer?) throws -> Result {
        var result = Result()
        var islandIDs = Set<String>()
        try stream(islandsPath, required: Self.islandColumns, key: "Source_ID", collection: .islands, write: write) { rows, row, values in
            let id = values[row.key].string!
            guard islandIDs.insert(id).inserted else {
                throw StoreError.input("\(rows.path): duplicate Source_ID \(id) at \(rows.location)")
            }
            if case .string(let tile) = values[row.tile] { result.tiles.insert(tile) }
            let ra = values[row.ra].double ?? .nan, dec = values[row.dec].double ?? .nan
            result.islands.append(IslandPosition(sourceID: id, sourceName: values[row.name], ra: ra, dec: dec))
        }
        var componentIDs = Set<String>()
        try stream(componentsPath, required: Self.componentColumns, key: "Gaussian_ID", collection: .components, write: write) { rows, row, values in
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
                        check: (CatalogueRows, Layout, [DocValue]) throws -> Void) throws {
        let rows = try CatalogueRowsOpener.open(path)
        let columns = rows.columns
        for name in required where !columns.contains(name) {
            throw StoreError.input("\(path): missing column \(name) (a catalogue needs \(required.joined(separator: ", ")); found \(columns.prefix(12).joined(separator: ", "))\(columns.count > 12 ? ", ..." : ""))")
        }
        let layout = Layout(columns: columns, key: key)
        let writer = write.map(BlockWriter.init)
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
                    try writer.submit(collection, block, make: make)
                    block = []
                    block.reserveCapacity(Self.blockRows)
                }
            }
        }
        if count == 0 { throw StoreError.input("\(path): the catalogue has no rows") }
        if let writer {
            if !block.isEmpty { try writer.submit(collection, block, make: make) }
            try writer.finish()
        }
    }
}
