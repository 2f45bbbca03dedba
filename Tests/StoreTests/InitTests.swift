import Astro
import Foundation
import Testing
@testable import Store

/// `arrakis init` on a simulated survey, into the embedded SQLite store.
@Suite struct InitTests {
    static func survey(_ dir: TemporaryDirectory) throws -> SurveySimulator {
        var p = SurveyParameters()
        p.sources = 200
        p.fields = 3
        p.beams = 9
        p.npix = 16
        p.channels = 2
        let sim = try SurveySimulator(p)
        try sim.write(to: dir.file("survey"))
        return sim
    }

    static func options(_ dir: TemporaryDirectory, epochs: [Int] = [0, 1]) -> PipelineInitialiser.Options {
        var o = PipelineInitialiser.Options()
        o.islandCatalogue = dir.file("survey/" + SurveySimulator.Paths.islands)
        o.componentCatalogue = dir.file("survey/" + SurveySimulator.Paths.components)
        o.loadCatalogue = true
        o.loadFields = true
        o.epochs = epochs
        return o
    }

    @Test func countsMatchTheCatalogueAndBeamListsMatchBruteForce() throws {
        let dir = TemporaryDirectory("init")
        let sim = try Self.survey(dir)
        let db = try SQLitePipelineDatabase(path: dir.file("p.db"))
        let racs = CSVRACSDatabase(root: dir.file("survey"))
        try PipelineInitialiser(database: db, racs: racs).run(Self.options(dir))
        for epoch in [0, 1] {
            #expect(try db.count(.islands, epoch: epoch) == sim.sky.islands.count)
            #expect(try db.count(.components, epoch: epoch) == sim.sky.components.count)
            let observations = try racs.fieldData(epoch: epoch).filter { $0.sbid >= 0 }
            #expect(try db.count(.fields, epoch: epoch) == observations.count)
            // Brute force: every island against every beam of every observation.
            let islands = try db.find(.islands, epoch: epoch, .all)
            var expected: [String: [String: Set<Int>]] = [:]
            for obs in observations {
                let key = BeamMatcher.fieldKey(obs.fieldName, epoch: epoch)
                for beam in try racs.beams(epoch: epoch, sbid: obs.sbid, fieldName: obs.fieldName) {
                    for island in islands where SkyMath.separation(island["RA"]!.double!, island["Dec"]!.double!, beam.ra, beam.dec) <= 1 {
                        expected[island["Source_ID"]!.string!, default: [:]][key, default: []].insert(beam.beam)
                    }
                }
            }
            let beams = try db.find(.beams, epoch: epoch, .all)
            #expect(beams.count == expected.count)
            #expect(beams.count > 0)
            for doc in beams {
                let id = doc["Source_ID"]!.string!
                let fields = doc["beams"]!.document!
                #expect(Set(fields.keys) == Set(expected[id]!.keys), "\(id)")
                for (field, want) in expected[id]! {
                    let list = fields[field]!.document!["beam_list"]!.array!.map { Int($0.int!) }
                    #expect(list == want.sorted(), "\(id) in \(field)")
                }
                #expect(doc["n_fields"]?.int == Int64(fields.keys.count))
            }
            if epoch == 0 {
                // Epoch 0's database names carry _test4_1.05_; the pipeline's keys do not.
                #expect(beams.allSatisfy { !$0["beams"]!.document!.keys.contains { $0.contains("test4") } })
                #expect(beams.contains { $0["n_fields"]!.int! >= 2 })
                #expect(beams.allSatisfy { doc in doc["beams"]!.document!.fields.allSatisfy { $0.value.document!["DR1"] == true } })
            }
        }
    }

    @Test func rerunningInitKeepsStoredResults() throws {
        let dir = TemporaryDirectory("init")
        _ = try Self.survey(dir)
        let db = try SQLitePipelineDatabase(path: dir.file("p.db"))
        let racs = CSVRACSDatabase(root: dir.file("survey"))
        try PipelineInitialiser(database: db, racs: racs).run(Self.options(dir, epochs: [0]))
        let component = try #require(try db.find(.components, epoch: 0, .all).first)
        let island = try #require(try db.find(.beams, epoch: 0, .all).first)
        let field = try #require(island["beams"]?.document?.keys.first)
        let result: DocValue = [.document(["field": .string(field), "rmsynth1d": true])]
        try db.upsert(.components, epoch: 0, [Upsert(key: ["Gaussian_ID": component["Gaussian_ID"]!], set: [("rm_outputs_1d", result)])])
        try db.upsert(.beams, epoch: 0, [Upsert(key: ["Source_ID": island["Source_ID"]!], set: [("beams.\(field).i_beam0_image_file", "cutouts/x.fits")])])

        try PipelineInitialiser(database: db, racs: racs).run(Self.options(dir, epochs: [0]))
        let again = try db.find(.components, epoch: 0, Filter([("Gaussian_ID", component["Gaussian_ID"]!)]))
        #expect(again.first?["rm_outputs_1d"] == result)
        #expect(again.first?["RA"] == component["RA"])
        let beams = try db.find(.beams, epoch: 0, Filter([("Source_ID", island["Source_ID"]!)]))
        #expect(beams.first?.value(at: "beams.\(field).i_beam0_image_file") == "cutouts/x.fits")
        #expect(beams.first?.value(at: "beams.\(field).beam_list") == island.value(at: "beams.\(field).beam_list"))
        // --replace starts over.
        var replace = Self.options(dir, epochs: [0])
        replace.replace = true
        try PipelineInitialiser(database: db, racs: racs).run(replace)
        #expect(try db.find(.components, epoch: 0, Filter([("Gaussian_ID", component["Gaussian_ID"]!)])).first?["rm_outputs_1d"] == nil)
    }

    /// Each bad input gives a message naming the file and the problem, and the database
    /// is left exactly as it was.
    @Test(arguments: ["missing column", "empty catalogue", "duplicate Source_ID", "missing beam_inf", "malformed CSV row", "orphan component"])
    func badInputsLoadNothing(_ problem: String) throws {
        let dir = TemporaryDirectory("init")
        _ = try Self.survey(dir)
        let db = try SQLitePipelineDatabase(path: dir.file("p.db"))
        let racs = CSVRACSDatabase(root: dir.file("survey"))
        // Islands as CSV, so they can be broken line by line.
        let islandsCSV = dir.file("islands.csv")
        let islands = try FITSFile.open(dir.file("survey/" + SurveySimulator.Paths.islands)).readTable()
        var lines = [islands.columns.map(\.name).joined(separator: ",")]
        for r in 0..<islands.rowCount {
            lines.append(islands.columns.map { c -> String in
                switch c.data {
                case .real(let v): return String(v[r])
                case .integer(let v): return v[r].map(String.init) ?? ""
                case .string(let v): return v[r]
                case .logical(let v): return v[r].map { $0 ? "1" : "0" } ?? ""
                }
            }.joined(separator: ","))
        }
        var options = Self.options(dir)
        options.islandCatalogue = islandsCSV
        var expected = ""
        switch problem {
        case "missing column":
            lines = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).enumerated().filter { $0.offset != 6 }.map(\.element).joined(separator: ",") }
            expected = "\(islandsCSV): missing column RA"
        case "empty catalogue":
            lines = [lines[0]]
            expected = "\(islandsCSV): the catalogue has no rows"
        case "duplicate Source_ID":
            lines.append(lines[1])
            expected = "\(islandsCSV): duplicate Source_ID"
        case "missing beam_inf":
            let obs = try racs.fieldData(epoch: 1).first { $0.sbid >= 0 }!
            let path = dir.file("survey/db/epoch_1/beam_inf_\(obs.sbid)-\(obs.fieldName).csv")
            try FileManager.default.removeItem(atPath: path)
            expected = "\(path): cannot read: No such file or directory"
        case "malformed CSV row":
            lines[3] += ",extra"
            expected = "\(islandsCSV):4: expected \(islands.columns.count) fields"
        default:
            lines.remove(at: 1)
            expected = "component"
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: islandsCSV, atomically: true, encoding: .utf8)
        let error = #expect(throws: StoreError.self) { try PipelineInitialiser(database: db, racs: racs).run(options) }
        #expect(error?.description.contains(expected) == true, "\(error?.description ?? "no error")")
        #expect(try db.epochs().isEmpty, "something was written")
    }

    @Test func beamIndexAgreesWithBruteForceAllOverTheSky() {
        var random = RandomStream(seed: 3)
        var entries: [BeamIndex<Int>.Entry] = []
        for i in 0..<3000 {
            let dec = asin(random.uniform(-1, 1)) / SkyMath.degree
            entries.append(.init(ra: random.uniform(0, 360), dec: i < 50 ? random.uniform(85, 90) : dec, payload: i))
        }
        let index = BeamIndex(radius: 3, entries: entries)
        for q in 0..<400 {
            let ra = q < 20 ? random.uniform(359, 360) : random.uniform(0, 360)
            let dec = q < 40 ? random.uniform(86, 90) : asin(random.uniform(-1, 1)) / SkyMath.degree
            var found = Set<Int>()
            index.within(ra: ra, dec: dec) { found.insert($0.payload) }
            let truth = Set(entries.filter { SkyMath.separation(ra, dec, $0.ra, $0.dec) <= 3 }.map(\.payload))
            #expect(found == truth, "query \(q) at (\(ra), \(dec))")
        }
    }

    @Test func passwordFilesMustBePrivate() throws {
        let dir = TemporaryDirectory("init")
        let path = dir.file("pw")
        try "s3cret\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o644)
        let error = #expect(throws: StoreError.self) { try Credentials.readPasswordFile(path) }
        #expect(error?.description.contains("readable by group or others") == true)
        #expect(error?.description.contains("s3cret") == false)
        chmod(path, 0o600)
        #expect(try Credentials.readPasswordFile(path) == "s3cret")
        let c = try Credentials.resolve(username: "u", urlPassword: "fromurl", flag: nil, file: nil, environment: ["ARRAKIS_DB_PASSWORD": "fromenv"])
        #expect(c.password == "fromenv")
        #expect(!c.description.contains("fromenv"))
    }
}
