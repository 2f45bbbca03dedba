import Dispatch

/// `arrakis init`: loads the Stokes I catalogue and the RACS observation metadata into
/// the pipeline database, as spice_init does, but by upsert: fields that later stages
/// stored in the same documents are kept.
///
/// Every input is read and checked before anything is written, so a bad catalogue or a
/// missing beam table leaves the database as it was; on SQLite the writes of one epoch
/// are also one transaction.
public struct PipelineInitialiser {
    public struct Options: Sendable {
        public var islandCatalogue: String?
        public var componentCatalogue: String?
        /// -l: islands, components and beams.
        public var loadCatalogue = false
        /// -f: fields and beam_inf.
        public var loadFields = false
        public var epochs: [Int] = [0]
        /// Drop the epochs' collections first.
        public var replace = false

        public init() {}
    }

    public struct EpochCounts: Sendable, Equatable, Codable {
        public var epoch: Int
        public var islands = 0, components = 0, beams = 0, fields = 0, beam_inf = 0
    }

    public let database: PipelineDatabase
    public let racs: RACSDatabase?
    public let progress: (String) -> Void

    public init(database: PipelineDatabase, racs: RACSDatabase?, progress: @escaping (String) -> Void = { _ in }) {
        self.database = database
        self.racs = racs
        self.progress = progress
    }

    public func run(_ options: Options) throws {
        guard options.loadCatalogue || options.loadFields else {
            throw StoreError.input("nothing to load: pass -l/--load (islands, components, beams) and/or -f/--field (fields, beam_inf)")
        }
        // 1. Read and check everything.
        var islands: CatalogueFile?
        var components: CatalogueFile?
        if options.loadCatalogue {
            guard let i = options.islandCatalogue, let c = options.componentCatalogue else {
                throw StoreError.input("-l/--load needs the island catalogue (-i) and the component catalogue (-c)")
            }
            progress("reading \(i)")
            islands = try CatalogueFile(path: i, required: CatalogueFile.islandColumns, key: "Source_ID")
            progress("reading \(c)")
            components = try CatalogueFile(path: c, required: CatalogueFile.componentColumns, key: "Gaussian_ID")
            let islandIDs = Set(islands!.rows.compactMap { $0["Source_ID"]?.string })
            if let orphan = components!.rows.first(where: { !islandIDs.contains($0["Source_ID"]?.string ?? "") }) {
                throw StoreError.input("\(c): component \(orphan["Gaussian_ID"]?.string ?? "?") belongs to island \(orphan["Source_ID"]?.string ?? "?"), which is not in \(i)")
            }
        }
        guard let racs else {
            throw StoreError.input("the RACS database is needed (-d/--database-path: a directory holding db/epoch_<N>/ or a postgresql:// URL)")
        }
        var observations: [Int: [BeamMatcher.Observation]] = [:]
        for epoch in options.epochs {
            progress("reading the RACS database, epoch \(epoch)")
            let rows = try racs.fieldData(epoch: epoch).filter { $0.sbid >= 0 }
            observations[epoch] = try rows.map {
                BeamMatcher.Observation(field: $0, beams: try racs.beams(epoch: epoch, sbid: $0.sbid, fieldName: $0.fieldName))
            }
        }

        // 2. Match and write, epoch by epoch.
        let dr1 = Set(islands?.rows.compactMap { $0["Tile_ID"]?.string } ?? [])
        for epoch in options.epochs {
            let obs = observations[epoch] ?? []
            var beamUpserts: [Upsert] = []
            if let islands {
                progress("matching \(islands.rows.count) islands to \(obs.reduce(0) { $0 + $1.beams.count }) beams (epoch \(epoch))")
                beamUpserts = BeamMatcher.upserts(islands: islands.rows, observations: obs, epoch: epoch, dr1Tiles: dr1)
            }
            try database.atomically {
                if options.replace {
                    progress("dropping epoch \(epoch)")
                    try database.drop(epoch: epoch)
                }
                try database.ensureIndexes(epoch: epoch)
                if let islands, let components {
                    progress("loading \(islands.rows.count) islands, \(components.rows.count) components, \(beamUpserts.count) beams documents (epoch \(epoch))")
                    try database.upsert(.islands, epoch: epoch, islands.rows.map { Self.upsert($0, key: "Source_ID") })
                    try database.upsert(.components, epoch: epoch, components.rows.map { Self.upsert($0, key: "Gaussian_ID") })
                    try database.upsert(.beams, epoch: epoch, beamUpserts)
                }
                if options.loadFields {
                    progress("loading \(obs.count) fields and their beams (epoch \(epoch))")
                    try database.upsert(.fields, epoch: epoch, obs.map { o in
                        Upsert(key: ["FIELD_NAME": .string(o.field.fieldName), "SBID": .int(Int64(o.field.sbid))],
                               set: o.field.row.fields.map { ($0.key, $0.value) })
                    })
                    try database.upsert(.beamInf, epoch: epoch, obs.flatMap { o in
                        o.beams.map { b in
                            Upsert(key: ["FIELD_NAME": .string(o.field.fieldName), "SBID": .int(Int64(o.field.sbid)),
                                         "BEAM_NUM": .int(Int64(b.beam))],
                                   set: b.row.fields.map { ($0.key, $0.value) })
                        }
                    })
                }
            }
        }
    }

    static func upsert(_ row: Document, key: String) -> Upsert {
        Upsert(key: [key: row[key] ?? .null], set: row.fields.map { ($0.key, $0.value) })
    }

    /// Per-epoch document counts (`arrakis status --json`).
    public static func counts(_ database: PipelineDatabase) throws -> [EpochCounts] {
        try database.epochs().map { epoch in
            EpochCounts(epoch: epoch,
                        islands: try database.count(.islands, epoch: epoch),
                        components: try database.count(.components, epoch: epoch),
                        beams: try database.count(.beams, epoch: epoch),
                        fields: try database.count(.fields, epoch: epoch),
                        beam_inf: try database.count(.beamInf, epoch: epoch))
        }
    }
}
