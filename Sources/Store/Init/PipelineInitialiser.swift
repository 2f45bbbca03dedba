import Dispatch
import Synchronization

/// `arrakis init`: loads the Stokes I catalogue and the RACS observation metadata into
/// the pipeline database, as spice_init does, but by upsert: fields that later stages
/// stored in the same documents are kept.
///
/// Every input is read and checked before anything is written, so a bad catalogue or a
/// missing beam table leaves the database as it was; on SQLite the writes of one epoch
/// are also one transaction (for every epoch together).
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

    /// What a run did and how long each phase took (`arrakis init -v`, `--json`).
    public struct Report: Sendable, Codable {
        public var islands = 0, components = 0, beams = 0, fields = 0, beam_inf = 0
        /// Documents written, over every epoch.
        public var documents = 0
        /// Seconds: reading and checking (plus, on a transactional store, writing) the
        /// catalogue; matching islands to beams; writing beams, fields and beam_inf; in all.
        public var catalogue_seconds = 0.0, match_seconds = 0.0, write_seconds = 0.0, total_seconds = 0.0
        /// Documents written per second of the whole run.
        public var rows_per_second = 0.0

        public init() {}
    }

    public let database: PipelineDatabase
    public let racs: RACSDatabase?
    public let progress: (String) -> Void

    public init(database: PipelineDatabase, racs: RACSDatabase?, progress: @escaping (String) -> Void = { _ in }) {
        self.database = database
        self.racs = racs
        self.progress = progress
    }

    /// Loads what `options` asks for. Catalogues are streamed a block of rows at a time.
    /// On a transactional store (SQLite) everything is written in one transaction as it is
    /// read, and any error rolls all of it back; otherwise the catalogue is read and
    /// checked once in full before the first write.
    @discardableResult
    public func run(_ options: Options) throws -> Report {
        let started = DispatchTime.now()
        var report = Report()
        guard options.loadCatalogue || options.loadFields else {
            throw StoreError.input("nothing to load: pass -l/--load (islands, components, beams) and/or -f/--field (fields, beam_inf)")
        }
        var loader: CatalogueLoader?
        if options.loadCatalogue {
            guard let i = options.islandCatalogue, let c = options.componentCatalogue else {
                throw StoreError.input("-l/--load needs the island catalogue (-i) and the component catalogue (-c)")
            }
            loader = CatalogueLoader(islandsPath: i, componentsPath: c, progress: progress)
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
        if let loader, !database.isTransactional {
            progress("checking \(loader.islandsPath) and \(loader.componentsPath)")
            _ = try loader.load(write: nil)
        }

        try database.atomicallyInBulk {
            for epoch in options.epochs where options.replace {
                progress("dropping epoch \(epoch)")
                try database.drop(epoch: epoch)
            }
            if let loader {
                var clock = DispatchTime.now()
                progress("loading \(loader.islandsPath) and \(loader.componentsPath) into epoch(s) \(options.epochs.map(String.init).joined(separator: " "))")
                let catalogue = try loader.load(write: { collection, block in
                    for epoch in options.epochs { try database.upsert(collection, epoch: epoch, block) }
                }, writeEncoded: { documents in
                    for epoch in options.epochs { try database.insertNew(documents, epoch: epoch) }
                })
                report.islands = catalogue.islands.count
                report.components = catalogue.components
                report.catalogue_seconds = Self.seconds(since: clock)
                for epoch in options.epochs {
                    let obs = observations[epoch] ?? []
                    let islands = catalogue.islands
                    progress("matching \(islands.count) islands to \(obs.reduce(0) { $0 + $1.beams.count }) beams and loading their beams documents (epoch \(epoch))")
                    clock = DispatchTime.now()
                    let index = BeamMatcher.index(obs, epoch: epoch)
                    report.match_seconds += Self.seconds(since: clock)
                    if BeamMatcher.canEncode(obs, epoch: epoch) {
                        // Matched on the other cores a chunk at a time, written here in order.
                        let chunks = (islands.count + Self.matchChunk - 1) / Self.matchChunk
                        let tiles = catalogue.tiles
                        var writing = 0.0
                        try OrderedPipeline.run(count: chunks, ahead: 8, make: { c in
                            BeamMatcher.documents(islands: islands[(c * Self.matchChunk)..<min(islands.count, (c + 1) * Self.matchChunk)],
                                                  index: index, dr1Tiles: tiles)
                        }, consume: { c, documents in
                            let started = DispatchTime.now()
                            try database.insertNew(documents, epoch: epoch)
                            writing += Self.seconds(since: started)
                            report.beams += documents.count
                            if (c + 1) % 10 == 0 || c == chunks - 1, chunks > 10 {
                                progress("beams documents: \(min(islands.count, (c + 1) * Self.matchChunk))/\(islands.count) islands (epoch \(epoch))")
                            }
                        })
                        // The rest of the time was spent waiting for matches.
                        report.write_seconds += writing
                        report.match_seconds += Self.seconds(since: clock) - writing
                        continue
                    }
                    // A block of islands at a time: memory stays bounded by the block.
                    var start = 0
                    while start < islands.count {
                        let end = min(islands.count, start + Self.beamsBlock)
                        clock = DispatchTime.now()
                        let beams = Self.match(islands[start..<end], index: index, dr1Tiles: catalogue.tiles)
                        report.match_seconds += Self.seconds(since: clock)
                        clock = DispatchTime.now()
                        try database.upsert(.beams, epoch: epoch, beams)
                        report.beams += beams.count
                        report.write_seconds += Self.seconds(since: clock)
                        start = end
                        if islands.count > Self.beamsBlock {
                            progress("beams documents: \(start)/\(islands.count) (epoch \(epoch))")
                        }
                    }
                }
            }
            let clock = DispatchTime.now()
            for epoch in options.epochs where options.loadFields {
                let obs = observations[epoch] ?? []
                progress("loading \(obs.count) fields and their beams (epoch \(epoch))")
                try database.upsert(.fields, epoch: epoch, obs.map { o in
                    Upsert(key: ["FIELD_NAME": .string(o.field.fieldName), "SBID": .int(Int64(o.field.sbid))],
                           set: o.field.row.fields.map { ($0.key, $0.value) })
                })
                let beamInf = obs.flatMap { o in
                    o.beams.map { b in
                        Upsert(key: ["FIELD_NAME": .string(o.field.fieldName), "SBID": .int(Int64(o.field.sbid)),
                                     "BEAM_NUM": .int(Int64(b.beam))],
                               set: b.row.fields.map { ($0.key, $0.value) })
                    }
                }
                try database.upsert(.beamInf, epoch: epoch, beamInf)
                report.fields += obs.count
                report.beam_inf += beamInf.count
            }
            // Secondary indexes last: building one over loaded rows beats updating it per row.
            for epoch in options.epochs { try database.ensureIndexes(epoch: epoch) }
            report.write_seconds += Self.seconds(since: clock)
        }
        report.documents = (report.islands + report.components) * options.epochs.count + report.beams + report.fields + report.beam_inf
        report.total_seconds = Self.seconds(since: started)
        report.rows_per_second = report.total_seconds > 0 ? Double(report.documents) / report.total_seconds : 0
        return report
    }

    /// Beam matching spread over the cores, in blocks of islands; the result is in island order.
    static func match(_ islands: ArraySlice<IslandPosition>, index: BeamIndex<BeamMatcher.Hit>,
                      dr1Tiles: Set<String>) -> [Upsert] {
        let blockSize = 20_000
        let base = islands.startIndex
        let blocks = (islands.count + blockSize - 1) / blockSize
        let results = Mutex([[Upsert]](repeating: [], count: blocks))
        DispatchQueue.concurrentPerform(iterations: blocks) { b in
            let slice = islands[(base + b * blockSize)..<min(islands.endIndex, base + (b + 1) * blockSize)]
            let upserts = BeamMatcher.upserts(islands: slice, index: index, dr1Tiles: dr1Tiles)
            results.withLock { $0[b] = upserts }
        }
        return results.withLock { $0.flatMap { $0 } }
    }

    /// Islands matched and written per block of beams documents.
    static let beamsBlock = 200_000
    /// Islands matched per piece of work when the beams documents are written as JSON.
    static let matchChunk = 20_000

    static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
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
