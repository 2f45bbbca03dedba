import Astro
import Foundation
import Synchronization
import Testing
@testable import Store

/// A first load writes CSV rows and beams documents straight to JSON. What it stores must
/// be what the upserts of the rows' values store, field for field and type for type.
@Suite struct EncodedLoadTests {
    /// The value a JSON text reads back as, compared bit for bit (NaN equals NaN).
    private func sameValue(_ a: DocValue, _ b: DocValue) -> Bool {
        if case .double(let x) = a, case .double(let y) = b { return x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN) }
        return a == b
    }

    static let awkwardFields = [
        "0", "-0", "7", "-12", "007", "+3", "123456789012345678", "1234567890123456789", "99999999999999999999",
        "0.5", "-0.0", "1.50", "60.955957", "0.1000000000000000055511151231257827", ".5", "5.", "-.5", "1e5", "1E-5",
        "2.5e-3", "1e999", "-1e999", "nan", "NaN", "inf", "-Infinity", "0x1p3", "12abc", "1-2", "-", "+", ".",
        "", " ", " 12 ", "\t-3.75", "S", "RACS_0400-87A_1", "RACS-DR1 J040349.4-861846", " leading", "trailing ",
        "tab\tinside", "back\\slash", "ünïcode ✓", "Nope", "Inf-field", "n", "I",
    ]

    @Test func eachCSVFieldIsWrittenAsTheJSONOfItsValue() throws {
        var rng = SystemRandomNumberGenerator()
        var fields = Self.awkwardFields
        for _ in 0..<5_000 {
            let x = Double.random(in: -400...400)
            fields += [x.description, String(format: "%.6f", x), String(format: "%.17g", x), String(Int64(bitPattern: rng.next()) >> 3)]
        }
        for field in fields {
            var json: [UInt8] = []
            CatalogueRowEncoder.writeField(ArraySlice(Array(field.utf8)), into: &json)
            let read = try JSONText.decode(String(decoding: json, as: UTF8.self))
            let value = CSVRowReader.value(ArraySlice(Array(field.utf8)))
            #expect(sameValue(read, value), "\(field.debugDescription): wrote \(String(decoding: json, as: UTF8.self)), value \(value)")
        }
    }

    /// Island and component tables with awkward fields, quoted lines among them, loaded once
    /// through the JSON path and once through upserts: the same rows, keys and index columns.
    @Test func aCSVLoadStoresWhatUpsertsStore() throws {
        let dir = TemporaryDirectory("encoded")
        var islands = "Source_Name,Source_ID,Tile_ID,RA,Dec,Odd\n"
        var components = "Source_ID,Gaussian_ID,RA,Dec,Maj,Odd,Text\n"
        let finite = Self.awkwardFields.filter { !["nan", "NaN"].contains($0) }
        for (i, odd) in finite.enumerated() {
            let quoted = i % 5 == 0
            let name = quoted ? "\"Island, \"\"\(i)\"\"\"" : "Island \(i)"
            let cell = odd.contains(",") || odd.contains("\"") ? "\"\(odd.replacingOccurrences(of: "\"", with: "\"\""))\"" : odd
            islands += "\(name),RACS_1237+12A_\(i),RACS_1237+12A,\(187.0 + Double(i) / 100),-12.5,\(cell)\n"
            components += "RACS_1237+12A_\(i),RACS_1237+12A_\(i)a,187.25,\(i % 3 == 0 ? " -12.75 " : "-12.75"),\(i == 4 ? "" : "14.5"),\(cell),\(quoted ? "\"q,\"" : "text \(i)")\n"
        }
        try islands.write(toFile: dir.file("islands.csv"), atomically: true, encoding: .utf8)
        try components.write(toFile: dir.file("components.csv"), atomically: true, encoding: .utf8)
        let loader = CatalogueLoader(islandsPath: dir.file("islands.csv"), componentsPath: dir.file("components.csv"))

        let encoded = try SQLitePipelineDatabase(path: dir.file("encoded.db"))
        let viaJSON = Mutex(0)
        try encoded.atomically {
            _ = try loader.load(write: { _, _ in Issue.record("the CSV tables took the upsert path") },
                                writeEncoded: { documents in
                                    viaJSON.withLock { $0 += documents.count }
                                    try encoded.insertNew(documents, epoch: 0)
                                })
        }
        #expect(viaJSON.withLock { $0 } == 2 * finite.count)
        let upserted = try SQLitePipelineDatabase(path: dir.file("upserted.db"))
        try upserted.atomically {
            _ = try loader.load(write: { collection, block in try upserted.upsert(collection, epoch: 0, block) })
        }
        for c in [PipelineCollection.islands, .components] {
            let a = try encoded.find(c, epoch: 0, .all), b = try upserted.find(c, epoch: 0, .all)
            #expect(a.count == finite.count)
            #expect(a.count == b.count)
            for (x, y) in zip(a, b) {
                #expect(x.keys == y.keys)
                for (f, g) in zip(x.fields, y.fields) {
                    #expect(sameValue(f.value, g.value), "\(c.rawValue) \(x["Source_ID"] ?? .null) \(f.key): \(f.value) vs \(g.value)")
                }
            }
            let columns = (["key"] + c.indexedFields.map(SQLitePipelineDatabase.indexColumn)).joined(separator: ", ")
            func rows(_ db: SQLitePipelineDatabase) throws -> [[String?]] {
                let stmt = try db.connection.prepare("SELECT \(columns) FROM \(SQLitePipelineDatabase.table(c, 0)) ORDER BY key")
                var out: [[String?]] = []
                while try stmt.step() { out.append((0...c.indexedFields.count).map { stmt.text(Int32($0)) }) }
                return out
            }
            #expect(try rows(encoded) == rows(upserted))
        }
    }

    /// FITS tables (values from cfitsio, written as JSON) store the very texts upserts store.
    @Test func aFITSLoadStoresWhatUpsertsStore() throws {
        let dir = TemporaryDirectory("encoded")
        _ = try InitTests.survey(dir)
        let loader = CatalogueLoader(islandsPath: dir.file("survey/" + SurveySimulator.Paths.islands),
                                     componentsPath: dir.file("survey/" + SurveySimulator.Paths.components))
        let encoded = try SQLitePipelineDatabase(path: dir.file("encoded.db"))
        try encoded.atomically {
            _ = try loader.load(write: { _, _ in Issue.record("the FITS tables took the upsert path") },
                                writeEncoded: { try encoded.insertNew($0, epoch: 0) })
        }
        let upserted = try SQLitePipelineDatabase(path: dir.file("upserted.db"))
        try upserted.atomically {
            _ = try loader.load(write: { collection, block in try upserted.upsert(collection, epoch: 0, block) })
        }
        for c in [PipelineCollection.islands, .components] {
            let a = try encoded.find(c, epoch: 0, .all)
            #expect(a.count > 100)
            #expect(PipelineDatabaseConformance.text(a) == PipelineDatabaseConformance.text(try upserted.find(c, epoch: 0, .all)))
        }
    }

    /// Beams documents written as JSON are the documents of the matcher's upserts, and each
    /// row's upsert sets the same paths (plus its own key).
    @Test func beamsDocumentsAreThoseOfTheUpserts() throws {
        let dir = TemporaryDirectory("encoded")
        _ = try InitTests.survey(dir)
        let racs = CSVRACSDatabase(root: dir.file("survey"))
        let observations = try racs.fieldData(epoch: 1).filter { $0.sbid >= 0 }.map {
            BeamMatcher.Observation(field: $0, beams: try racs.beams(epoch: 1, sbid: $0.sbid, fieldName: $0.fieldName))
        }
        let loader = CatalogueLoader(islandsPath: dir.file("survey/" + SurveySimulator.Paths.islands),
                                     componentsPath: dir.file("survey/" + SurveySimulator.Paths.components))
        let catalogue = try loader.load(write: nil)
        let index = BeamMatcher.index(observations, epoch: 1)
        #expect(BeamMatcher.canEncode(observations, epoch: 1))
        let documents = BeamMatcher.documents(islands: catalogue.islands[...], index: index, dr1Tiles: catalogue.tiles)
        let upserts = BeamMatcher.upserts(islands: catalogue.islands[...], index: index, dr1Tiles: catalogue.tiles)
        #expect(documents.count == upserts.count)
        #expect(documents.count > 0)
        for (i, u) in upserts.enumerated() {
            let row = try documents.upsert(at: i)
            #expect(row.key == u.key)
            #expect(row.set.dropFirst().map { $0.path } == u.set.map { $0.path })
            #expect(row.set.first?.path == "Source_ID")
        }
        let a = try SQLitePipelineDatabase(path: dir.file("a.db")), b = try SQLitePipelineDatabase(path: dir.file("b.db"))
        try a.insertNew(documents, epoch: 1)
        try b.upsert(.beams, epoch: 1, upserts)
        #expect(PipelineDatabaseConformance.text(try a.find(.beams, epoch: 1, .all))
                == PipelineDatabaseConformance.text(try b.find(.beams, epoch: 1, .all)))
    }

    @Test func anOrderedPipelineHandsPiecesOverInOrder() throws {
        var seen: [Int] = []
        try OrderedPipeline.run(count: 200, ahead: 4, make: { i in
            // Pieces finish out of order: a random delay the test injects, not a wait for anything.
            usleep(UInt32.random(in: 0...500))
            return i * i
        }, consume: { i, value in
            #expect(value == i * i)
            seen.append(i)
        })
        #expect(seen == Array(0..<200))
        struct Stop: Error {}
        var consumed = 0
        #expect(throws: Stop.self) {
            try OrderedPipeline.run(count: 100, ahead: 3, make: { $0 }, consume: { i, _ in
                consumed += 1
                if i == 10 { throw Stop() }
            })
        }
        #expect(consumed == 11)
    }
}
