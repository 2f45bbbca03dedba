import Astro
import Foundation
import Testing
@testable import Store

/// The same conformance checks as the MongoDB backend, on the embedded SQLite store, and
/// `arrakis init` of one survey into both backends giving the same documents.
@Suite struct SQLitePipelineDatabaseTests {
    private func withDatabase(_ body: (SQLitePipelineDatabase) throws -> Void) throws {
        let dir = TemporaryDirectory("sqlite")
        try body(try SQLitePipelineDatabase(path: dir.file("p.db")))
    }

    @Test func upsertThenFindReturnsTheDocuments() throws {
        try withDatabase { try PipelineDatabaseConformance.upsertThenFind($0, epoch: 3) }
    }

    @Test func partialUpsertKeepsOtherFields() throws {
        try withDatabase { try PipelineDatabaseConformance.partialUpsertKeepsFields($0, epoch: 3) }
    }

    @Test func insertNewMergesLikeUpserts() throws {
        try withDatabase { try PipelineDatabaseConformance.insertNewMergesLikeUpserts($0, epoch: 3) }
    }

    @Test func findSortsByKeyFields() throws {
        try withDatabase { try PipelineDatabaseConformance.keyOrderSorting($0, epoch: 3) }
    }

    @Test func countsDocuments() throws {
        try withDatabase { try PipelineDatabaseConformance.count($0, epoch: 3) }
    }

    @Test func dropRemovesAnEpoch() throws {
        try withDatabase { try PipelineDatabaseConformance.dropAndEpochs($0, epoch: 3, other: 4) }
    }

    /// Large calls encode documents on several threads; the result must be what one
    /// upsert at a time gives, including merges into stored documents, a key given twice
    /// in one call, and dotted paths.
    @Test func bulkUpsertsEqualOneAtATime() throws {
        let dir = TemporaryDirectory("sqlite")
        let bulk = try SQLitePipelineDatabase(path: dir.file("bulk.db"))
        let single = try SQLitePipelineDatabase(path: dir.file("single.db"))
        func rows(_ n: Int, _ tag: String) -> [Upsert] {
            (0..<n).map { i in
                Upsert(key: ["Gaussian_ID": .string("c\(i)")],
                       set: [("Source_ID", .string("s\(i / 2)")), ("RA", .double(Double(i) / 7)), ("tag", .string(tag)),
                             ("n", .int(Int64(i)))])
            }
        }
        let first = rows(9000, "first")
        var second = rows(12000, "second")  // 9000 merges into stored documents, 3000 new
        second[5] = Upsert(key: ["Gaussian_ID": "c5"], set: [("rm_outputs_1d.field", "F"), ("tag", "dotted")])
        var repeated = rows(5000, "third")
        repeated.append(Upsert(key: ["Gaussian_ID": "c1"], set: [("extra", true)]))  // c1 twice in one call
        for batch in [first, second, repeated] {
            try bulk.upsert(.components, epoch: 0, batch)
            for u in batch { try single.upsert(.components, epoch: 0, [u]) }
        }
        let a = try bulk.find(.components, epoch: 0, .all), b = try single.find(.components, epoch: 0, .all)
        #expect(a.count == 12000)
        #expect(PipelineDatabaseConformance.text(a) == PipelineDatabaseConformance.text(b))
        let c1 = try bulk.find(.components, epoch: 0, Filter([("Gaussian_ID", "c1")]))
        #expect(c1.first?["extra"] == true && c1.first?["tag"] == "third")
        #expect(try bulk.find(.components, epoch: 0, Filter([("Source_ID", "s2")])).count == 2)
    }

    /// A call whose first key is new inserts without looking keys up and merges the keys
    /// it finds stored: new rows, stored rows and a key given twice in that call must come
    /// out as one upsert at a time gives, secondary-index column included.
    @Test func bulkUpsertsStartingWithANewKeyEqualOneAtATime() throws {
        let dir = TemporaryDirectory("sqlite-new-first")
        let bulk = try SQLitePipelineDatabase(path: dir.file("bulk.db"))
        let single = try SQLitePipelineDatabase(path: dir.file("single.db"))
        func row(_ i: Int, _ tag: String) -> Upsert {
            Upsert(key: ["Gaussian_ID": .string("c\(i)")],
                   set: [("Source_ID", .string("s\(i / 3)")), ("Gaussian_ID", .string("c\(i)")), ("RA", .double(Double(i) / 3)),
                         ("tag", .string(tag)), ("rm", .int(Int64(i)))])
        }
        let first = (0..<3000).map { row($0, "first") }
        var second = (5000..<8000).map { row($0, "new") } + (0..<3000).map { row($0, "again") }
        second.append(Upsert(key: ["Gaussian_ID": "c5001"], set: [("extra", true), ("Source_ID", "moved")]))
        second.append(Upsert(key: ["Gaussian_ID": "c7"], set: [("deep.er", 1)]))
        for batch in [first, second] {
            try bulk.upsert(.components, epoch: 0, batch)
            for u in batch { try single.upsert(.components, epoch: 0, [u]) }
        }
        let a = try bulk.find(.components, epoch: 0, .all), b = try single.find(.components, epoch: 0, .all)
        #expect(a.count == 6000)
        #expect(PipelineDatabaseConformance.text(a) == PipelineDatabaseConformance.text(b))
        let moved = try bulk.find(.components, epoch: 0, Filter([("Source_ID", "moved")]))
        #expect(moved.map { $0["Gaussian_ID"] } == ["c5001"] && moved.first?["tag"] == "new")
        #expect(try bulk.find(.components, epoch: 0, Filter([("Source_ID", "s1700")])).count == 3)
        #expect(try bulk.find(.components, epoch: 0, Filter([("Gaussian_ID", "c7")])).first?.value(at: "deep.er") == 1)
    }

    /// A bulk load runs in rollback-journal mode when it has the database to itself, goes
    /// back to the write-ahead log after it (also after a failure, which stores nothing),
    /// and stays in the write-ahead log when another connection has the database open.
    @Test func bulkLoadsLeaveTheWriteAheadLogOn() throws {
        let dir = TemporaryDirectory("sqlite-bulk")
        let path = dir.file("p.db")
        let db = try SQLitePipelineDatabase(path: path)
        func mode(_ c: SQLiteConnection) throws -> String? {
            let s = try c.prepare("PRAGMA journal_mode")
            _ = try s.step()
            return s.text(0)
        }
        var during: String?
        try db.atomicallyInBulk {
            during = try mode(db.connection)
            try db.upsert(.islands, epoch: 0, [Upsert(key: ["Source_ID": "a"], set: [("RA", 1.0)])])
        }
        #expect(during == "delete")
        #expect(try mode(db.connection) == "wal")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try db.atomicallyInBulk {
                try db.upsert(.islands, epoch: 0, [Upsert(key: ["Source_ID": "b"], set: [("RA", 2.0)])])
                throw Stop()
            }
        }
        #expect(try mode(db.connection) == "wal")
        #expect(try db.count(.islands, epoch: 0) == 1)
        let other = try SQLitePipelineDatabase(path: path)
        #expect(try other.count(.islands, epoch: 0) == 1)
        try db.atomicallyInBulk {
            during = try mode(db.connection)
            try db.upsert(.islands, epoch: 0, [Upsert(key: ["Source_ID": "c"], set: [("RA", 3.0)])])
        }
        #expect(during == "wal")
        #expect(try other.count(.islands, epoch: 0) == 2)
    }

    /// A catalogue row sets every column, its key column among them: the bulk path keeps
    /// the key field once, first, as one-at-a-time upserts do.
    @Test func bulkRowsThatSetTheirKeyColumnEqualOneAtATime() throws {
        let dir = TemporaryDirectory("sqlite-key")
        let bulk = try SQLitePipelineDatabase(path: dir.file("bulk.db"))
        let single = try SQLitePipelineDatabase(path: dir.file("single.db"))
        let rows = (0..<5000).map { i in
            Upsert(key: ["Gaussian_ID": .string("c\(i)")],
                   set: [("RA", .double(Double(i))), ("Gaussian_ID", .string("c\(i)")), ("n", .int(Int64(i)))])
        }
        try bulk.upsert(.components, epoch: 0, rows)
        for u in rows.prefix(50) { try single.upsert(.components, epoch: 0, [u]) }
        let a = try bulk.find(.components, epoch: 0, .all), b = try single.find(.components, epoch: 0, .all)
        #expect(a.count == 5000)
        #expect(a.first?.keys == ["Gaussian_ID", "RA", "n"])
        let singled = Set(b.compactMap { $0["Gaussian_ID"]?.string })
        #expect(PipelineDatabaseConformance.text(a.filter { singled.contains($0["Gaussian_ID"]?.string ?? "") })
                == PipelineDatabaseConformance.text(b))
    }

    /// Acceptance 2: the same init gives the same documents in SQLite and in MongoDB.
    @Test(arguments: MongoTarget.all) func initGivesTheSameDocumentsInBothBackends(_ target: MongoTarget) throws {
        let dir = TemporaryDirectory("both")
        var p = SurveyParameters()
        p.sources = 40
        p.npix = 16
        p.channels = 2
        try SurveySimulator(p).write(to: dir.file("survey"))
        var options = PipelineInitialiser.Options()
        options.islandCatalogue = dir.file("survey/" + SurveySimulator.Paths.islands)
        options.componentCatalogue = dir.file("survey/" + SurveySimulator.Paths.components)
        options.loadCatalogue = true
        options.loadFields = true
        let epoch = MongoTarget.freshEpoch()
        options.epochs = [epoch]
        // The survey has epochs 0 and 1; load its epoch 1 as the fresh epoch number.
        try FileManager.default.copyItem(atPath: dir.file("survey/db/epoch_1"), toPath: dir.file("survey/db/epoch_\(epoch)"))
        let racs = CSVRACSDatabase(root: dir.file("survey"))
        let sqlite = try SQLitePipelineDatabase(path: dir.file("p.db"))
        let mongo = try target.open()
        defer { try? mongo.drop(epoch: epoch) }
        try PipelineInitialiser(database: sqlite, racs: racs).run(options)
        try PipelineInitialiser(database: mongo, racs: racs).run(options)
        for c in PipelineCollection.allCases {
            let a = try sqlite.find(c, epoch: epoch, .all)
            let b = try mongo.find(c, epoch: epoch, .all)
            #expect(a.count > 0, "\(c.rawValue) is empty")
            #expect(PipelineDatabaseConformance.text(a) == PipelineDatabaseConformance.text(b), "\(c.rawValue) differs")
        }
        let id = try #require(try sqlite.find(.components, epoch: epoch, .all).first?["Source_ID"])
        let filter = Filter([("Source_ID", id)])
        #expect(PipelineDatabaseConformance.text(try sqlite.find(.components, epoch: epoch, filter))
                == PipelineDatabaseConformance.text(try mongo.find(.components, epoch: epoch, filter)))
    }
}
