import Dispatch
import Foundation
import Synchronization

/// Writes a synthetic RACS survey with known truth (`arrakis simulate`).
///
/// The survey is assembled in a hidden sibling directory and renamed onto `directory`
/// only when every file is written, so an interrupted run leaves nothing that looks
/// like a finished survey.
public struct SurveySimulator: Sendable {
    public let parameters: SurveyParameters
    public let layout: SurveyLayout
    public let sky: SkyModel

    public init(_ parameters: SurveyParameters) throws {
        try parameters.validate()
        self.parameters = parameters
        self.layout = SurveyLayout(parameters)
        self.sky = SkyModel(parameters, layout: layout)
    }

    /// Relative paths of a survey's files.
    public enum Paths {
        public static let truth = "truth.csv"
        public static let islands = "catalogues/RACS-DR1_islands.fits"
        public static let components = "catalogues/RACS-DR1_components.fits"
        public static let description = "survey.json"
        /// With `--ionosphere`: every component's injected RM_ion per observation, and the maps.
        public static let ionosphere = "ionosphere.csv"
        public static let ionex = SurveyIonosphere.directory

        public static func cube(epoch: Int, field: String, stokes: String, beam: Int) -> String {
            "epoch_\(epoch)/\(field)/\(SurveyLayout.cubeName(stokes: stokes, field: field, beam: beam))"
        }

        public static func weights(epoch: Int, field: String, stokes: String, beam: Int) -> String {
            "epoch_\(epoch)/\(field)/\(SurveyLayout.weightsName(stokes: stokes, field: field, beam: beam))"
        }
    }

    /// Writes the survey. `progress` is called (from worker threads, serialised) after
    /// each beam with the number of beams done and the total.
    public func write(to directory: String, replacing: Bool = false, threads: Int = 0,
                      progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) throws {
        try Self.publish(to: directory, replacing: replacing) { staging in
            try writeEverything(into: staging, threads: threads, progress: progress)
        }
    }

    /// Runs `body` on a hidden sibling directory of `directory` and renames it onto
    /// `directory` only when `body` succeeds; on error nothing is left behind.
    static func publish(to directory: String, replacing: Bool, _ body: (String) throws -> Void) throws {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: directory).standardizedFileURL.path
        if let existing = try? fm.contentsOfDirectory(atPath: target), !existing.isEmpty, !replacing {
            throw SimulationError.destinationExists(directory)
        }
        let parent = (target as NSString).deletingLastPathComponent
        let staging = "\(parent)/.\((target as NSString).lastPathComponent).partial-\(getpid())"
        try? fm.removeItem(atPath: staging)
        do {
            try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
        } catch {
            throw SimulationError.io("cannot create \(staging): \(error.localizedDescription)")
        }
        do {
            try body(staging)
        } catch {
            try? fm.removeItem(atPath: staging)
            throw error
        }
        // Swap the finished survey into place.
        let old = "\(parent)/.\((target as NSString).lastPathComponent).old-\(getpid())"
        if fm.fileExists(atPath: target) {
            try move(target, to: old)
        }
        try move(staging, to: target)
        try? fm.removeItem(atPath: old)
    }

    private static func move(_ from: String, to: String) throws {
        guard rename(from, to) == 0 else {
            throw SimulationError.io("cannot rename \(from) to \(to): \(String(cString: strerror(errno)))")
        }
    }

    private func writeEverything(into root: String, threads: Int,
                                 progress: @escaping @Sendable (Int, Int) -> Void) throws {
        var ionosphere: SurveyIonosphere?
        if parameters.hasIonosphere {
            let model = try SurveyIonosphere.make(root: root, layout: layout, sky: sky, parameters: parameters)
            ionosphere = model
            try writeText(SurveyTextFiles.ionosphere(layout: layout, sky: sky, model: model), to: "\(root)/\(Paths.ionosphere)")
        }
        try writeText(SurveyTextFiles.truthUnits + "\n" + (ionosphere == nil ? "" : SurveyTextFiles.truthIonosphereUnits + "\n")
                      + (parameters.hasStokesV ? SurveyTextFiles.truthCircularUnits + "\n" : "")
                      + SurveyTextFiles.truth(sky: sky, parameters: parameters, rmIon: ionosphere.map(firstObservationRM)),
                      to: "\(root)/\(Paths.truth)")
        let catalogue = CatalogueTables(parameters: parameters, layout: layout, sky: sky)
        try makeDirectory("\(root)/catalogues")
        for (path, table) in [(Paths.islands, catalogue.islandTable()), (Paths.components, catalogue.componentTable())] {
            let file = try FITSFile.create("\(root)/\(path)")
            try file.writeTable(table)
            try file.commit()
        }
        try Self.writeDatabase(layout: layout, parameters: parameters, root: root)
        for obs in layout.observations {
            try makeDirectory("\(root)/epoch_\(obs.epoch)/\(layout.fields[obs.field].name)")
        }
        try writeText(describe(), to: "\(root)/\(Paths.description)")

        // The cubes: one job per (observation, beam), spread over the cores.
        let jobs = layout.observations.flatMap { obs in layout.fields[obs.field].beams.map { (obs, $0) } }
        let failure = Mutex<Error?>(nil)
        let done = Mutex(0)
        var configured = BeamCubeRenderer(parameters: parameters, sky: sky)
        configured.ionosphere = ionosphere
        configured.observationIndex = Dictionary(uniqueKeysWithValues: layout.observations.enumerated().map {
            (BeamCubeRenderer.observationKey($0.element), $0.offset)
        })
        let renderer = configured
        let workers = threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: max(1, min(workers, jobs.count))) { _ in
            while true {
                let j = next.add(1, ordering: .relaxed).oldValue
                guard j < jobs.count, failure.withLock({ $0 == nil }) else { return }
                let (obs, beam) = jobs[j]
                do {
                    try writeBeam(renderer: renderer, observation: obs, beam: beam, root: root)
                    let n = done.withLock { $0 += 1; return $0 }
                    progress(n, jobs.count)
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }

    private func writeBeam(renderer: BeamCubeRenderer, observation: SurveyLayout.Observation,
                           beam: SurveyLayout.Beam, root: String) throws {
        let field = layout.fields[observation.field]
        let stokesNames = parameters.hasStokesV ? ["i", "q", "u", "v"] : ["i", "q", "u"]
        let sigma = try renderer.writeCubes(field: field, beam: beam, observation: observation, paths: stokesNames.map {
            "\(root)/\(Paths.cube(epoch: observation.epoch, field: field.name, stokes: $0, beam: beam.number))"
        })
        for stokes in stokesNames {
            try writeText(SurveyTextFiles.weights(sigma: sigma),
                          to: "\(root)/\(Paths.weights(epoch: observation.epoch, field: field.name, stokes: stokes, beam: beam.number))")
        }
    }

    /// Each component's RM_ion in its first observation: epoch 0 of its island's own field.
    private func firstObservationRM(_ model: SurveyIonosphere) -> [Int: Double] {
        var out: [Int: Double] = [:]
        for (c, comp) in sky.components.enumerated() {
            let tile = sky.islands[comp.island].tile
            if let o = layout.observations.firstIndex(where: { $0.epoch == 0 && $0.field == tile }), let rm = model.meanRM[o]?[c] {
                out[c] = rm
            }
        }
        return out
    }

    /// `survey.json`: the parameters and the layout, for people and for later stages.
    func describe() throws -> String {
        struct Description: Codable {
            struct Beam: Codable { var beam: Int; var ra: Double; var dec: Double }
            struct Field: Codable { var name: String; var ra: Double; var dec: Double; var beams: [Beam] }
            struct Observation: Codable { var epoch: Int; var field: String; var sbid: Int }
            var parameters: SurveyParameters
            var fields: [Field]
            var observations: [Observation]
            var islands: Int
            var components: Int
        }
        let d = Description(
            parameters: parameters,
            fields: layout.fields.map { f in
                .init(name: f.name, ra: f.ra, dec: f.dec, beams: f.beams.map { .init(beam: $0.number, ra: $0.ra, dec: $0.dec) })
            },
            observations: layout.observations.map { .init(epoch: $0.epoch, field: layout.fields[$0.field].name, sbid: $0.sbid) },
            islands: sky.islands.count, components: sky.components.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(d), as: UTF8.self) + "\n"
    }

    /// The RACS database: `db/epoch_<N>/field_data.csv` and one beam_inf table per observation.
    static func writeDatabase(layout: SurveyLayout, parameters: SurveyParameters, root: String) throws {
        for epoch in 0..<parameters.epochs {
            let db = "\(root)/db/epoch_\(epoch)"
            try makeDirectory(db)
            try writeText(SurveyTextFiles.fieldData(layout: layout, epoch: epoch), to: "\(db)/field_data.csv")
            for obs in layout.observations where obs.epoch == epoch {
                try writeText(SurveyTextFiles.beamInfo(layout: layout, observation: obs, parameters: parameters),
                              to: "\(db)/\(SurveyTextFiles.beamInfoName(layout: layout, observation: obs))")
            }
        }
    }

    private func makeDirectory(_ path: String) throws { try Self.makeDirectory(path) }

    private func writeText(_ text: String, to path: String) throws { try Self.writeText(text, to: path) }

    static func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw SimulationError.io("cannot create \(path): \(error.localizedDescription)")
        }
    }

    static func writeText(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw SimulationError.io("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
