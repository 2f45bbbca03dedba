import Foundation
import Testing
@testable import Store
import TestServers
#if canImport(Glibc)
import Glibc
#endif

/// The MongoDB backend through libmongoc, against the wire-protocol test server (and a real
/// server where `ARRAKIS_TEST_MONGODB_URI` is set). Fails, never skips, when the test
/// server's Python packages are missing.
@Suite struct MongoPipelineDatabaseTests {
    /// Opens the target, runs `body` on `count` fresh epochs, then drops them.
    private func withDatabase(_ target: MongoTarget, epochs count: Int = 1,
                              _ body: (MongoPipelineDatabase, [Int]) throws -> Void) throws {
        let db = try target.open()
        let epochs = (0..<count).map { _ in MongoTarget.freshEpoch() }
        defer { for epoch in epochs { try? db.drop(epoch: epoch) } }
        try body(db, epochs)
    }

    @Test(arguments: MongoTarget.all) func upsertThenFindReturnsTheDocuments(_ target: MongoTarget) throws {
        try withDatabase(target) { try PipelineDatabaseConformance.upsertThenFind($0, epoch: $1[0]) }
    }

    @Test(arguments: MongoTarget.all) func partialUpsertKeepsOtherFields(_ target: MongoTarget) throws {
        try withDatabase(target) { try PipelineDatabaseConformance.partialUpsertKeepsFields($0, epoch: $1[0]) }
    }

    @Test(arguments: MongoTarget.all) func insertNewMergesLikeUpserts(_ target: MongoTarget) throws {
        try withDatabase(target) { try PipelineDatabaseConformance.insertNewMergesLikeUpserts($0, epoch: $1[0]) }
    }

    @Test(arguments: MongoTarget.all) func findSortsByKeyFields(_ target: MongoTarget) throws {
        try withDatabase(target) { try PipelineDatabaseConformance.keyOrderSorting($0, epoch: $1[0]) }
    }

    @Test(arguments: MongoTarget.all) func countsDocuments(_ target: MongoTarget) throws {
        try withDatabase(target) { try PipelineDatabaseConformance.count($0, epoch: $1[0]) }
    }

    @Test(arguments: MongoTarget.all) func dropRemovesAnEpoch(_ target: MongoTarget) throws {
        try withDatabase(target, epochs: 2) { try PipelineDatabaseConformance.dropAndEpochs($0, epoch: $1[0], other: $1[1]) }
    }

    @Test(arguments: MongoTarget.all) func ensureIndexesCreatesKeyAndSecondaryIndexes(_ target: MongoTarget) throws {
        try withDatabase(target) { db, epochs in
            try db.ensureIndexes(epoch: epochs[0])
            try db.ensureIndexes(epoch: epochs[0])  // again: nothing changes, no error
            func indexes(_ c: PipelineCollection) throws -> [String: Bool] {
                var out: [String: Bool] = [:]
                for spec in try db.indexes(c, epoch: epochs[0]) {
                    out[JSONText.encode(spec["key"] ?? nil)] = spec["unique"]?.bool ?? false
                }
                return out
            }
            #expect(try indexes(.islands) == [#"{"_id":1}"#: false, #"{"Source_ID":1}"#: true])
            #expect(try indexes(.beams) == [#"{"_id":1}"#: false, #"{"Source_ID":1}"#: true])
            #expect(try indexes(.components) == [#"{"_id":1}"#: false, #"{"Gaussian_ID":1}"#: true, #"{"Source_ID":1}"#: false])
            #expect(try indexes(.fields) == [#"{"_id":1}"#: false, #"{"FIELD_NAME":1,"SBID":1}"#: false])
            #expect(try indexes(.beamInf) == [#"{"_id":1}"#: false, #"{"FIELD_NAME":1,"SBID":1,"BEAM_NUM":1}"#: false])
            // Loading through the unique indexes still upserts.
            try PipelineDatabaseConformance.partialUpsertKeepsFields(db, epoch: epochs[0])
        }
    }

    @Test(arguments: MongoTarget.all) func ensureIndexesKeepsTheOriginalsIndexes(_ target: MongoTarget) throws {
        try withDatabase(target) { db, epochs in
            // The original indexes Source_ID without `unique`, under the same name.
            let database = MongoPipelineDatabase.databaseName(epoch: epochs[0])
            try db.client.command(database, ["createIndexes": "islands",
                                             "indexes": [.document(["key": .document(["Source_ID": 1]), "name": "Source_ID_1"])]])
            try db.ensureIndexes(epoch: epochs[0])
            let islands = try db.indexes(.islands, epoch: epochs[0]).first { $0["name"] == "Source_ID_1" }
            #expect(islands?["unique"] == nil)
            #expect(try db.indexes(.components, epoch: epochs[0]).count == 3)
        }
    }

    @Test(arguments: MongoTarget.all) func upsertWithoutAKeyIsRefused(_ target: MongoTarget) throws {
        try withDatabase(target) { db, epochs in
            #expect(throws: StoreError.self) { try db.upsert(.islands, epoch: epochs[0], [Upsert(key: [:], set: [("a", 1)])]) }
            let count = try db.count(.islands, epoch: epochs[0])
            #expect(count == 0)
        }
    }

    @Test func wrongPasswordIsAnAuthenticationError() throws {
        let (url, credentials) = try MongoTarget.testServer.endpoint()
        let wrong = "wrong-\(UUID().uuidString)"
        let start = ContinuousClock.now
        let error = expectStoreError { try MongoPipelineDatabase(url: url, credentials: Credentials(username: credentials.username, password: wrong)) }
        guard case .authentication(let message) = error else { Issue.record("expected .authentication, got \(String(describing: error))"); return }
        #expect(message.contains(url.redacted))
        #expect(!message.contains(wrong))
        #expect(ContinuousClock.now - start < .seconds(3))

        // A password written in the URL is not shown either.
        let inURL = try DatabaseURL("mongodb://\(MongoTestServer.user):\(wrong)@127.0.0.1:\(url.port ?? 0)")
        let again = expectStoreError { try MongoPipelineDatabase(url: inURL, credentials: Credentials(username: nil, password: nil)) }
        #expect(again.map { if case .authentication = $0 { true } else { false } } == true)
        #expect(again?.description.contains(wrong) == false)
        #expect(again?.description.contains("\(MongoTestServer.user):***@") == true)
    }

    @Test func refusedPortIsUnreachable() throws {
        let port = try Self.unusedPort()
        let url = try DatabaseURL("mongodb://someone:pw-\(port)-secret@127.0.0.1:\(port)")
        let start = ContinuousClock.now
        let error = expectStoreError {
            try MongoPipelineDatabase(url: url, credentials: Credentials(username: "someone", password: "pw-\(port)-secret"),
                                      serverSelectionTimeoutMS: 1500)
        }
        guard case .unreachable(let message) = error else { Issue.record("expected .unreachable, got \(String(describing: error))"); return }
        #expect(message.contains("mongodb://someone:***@127.0.0.1:\(port)"))
        #expect(!message.contains("secret"))
        #expect(ContinuousClock.now - start < .seconds(3))
    }

    @Test func silentServerIsUnreachableWithinTheTimeout() throws {
        // Listens (the kernel completes connections) but never answers the handshake.
        let (fd, port) = try Self.listeningSocket()
        defer { close(fd) }
        let url = try DatabaseURL("mongodb://127.0.0.1:\(port)")
        let start = ContinuousClock.now
        let error = expectStoreError {
            try MongoPipelineDatabase(url: url, credentials: Credentials(username: nil, password: nil), serverSelectionTimeoutMS: 1000)
        }
        let elapsed = ContinuousClock.now - start
        guard case .unreachable(let message) = error else { Issue.record("expected .unreachable, got \(String(describing: error))"); return }
        #expect(message.contains("mongodb://127.0.0.1:\(port)"))
        #expect(elapsed < .seconds(4), "took \(elapsed)")
    }

    @Test func displayNameHasNoPassword() throws {
        let (url, credentials) = try MongoTarget.testServer.endpoint()
        let db = try MongoPipelineDatabase(url: url, credentials: credentials)
        #expect(db.displayName == url.redacted)
        #expect(!db.displayName.contains(credentials.password ?? "?"))
    }

    // MARK: - Helpers

    private func expectStoreError(_ body: () throws -> MongoPipelineDatabase) -> StoreError? {
        do {
            _ = try body()
            Issue.record("expected an error, but the database opened")
        } catch let error as StoreError {
            return error
        } catch {
            Issue.record("expected a StoreError, got \(error)")
        }
        return nil
    }

    /// A loopback socket listening on a free port, never accepting.
    private static func listeningSocket() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard fd >= 0, ok else { throw StoreError.failed("cannot listen on loopback: errno \(errno)") }
        return (fd, Int(UInt16(bigEndian: addr.sin_port)))
    }

    /// A loopback port that nothing listens on (bound, then closed).
    private static func unusedPort() throws -> Int {
        let (fd, port) = try listeningSocket()
        close(fd)
        return port
    }
}
