import Foundation
import Synchronization
import Store
import TestServers

/// Where the MongoDB tests run: always the test server; also the real server at
/// `ARRAKIS_TEST_MONGODB_URI` when that is set (user and password in the URL).
enum MongoTarget: String, CustomStringConvertible, CaseIterable, Sendable {
    case testServer
    case realServer

    static var all: [MongoTarget] {
        ProcessInfo.processInfo.environment["ARRAKIS_TEST_MONGODB_URI"] == nil ? [.testServer] : [.testServer, .realServer]
    }

    var description: String { rawValue }

    /// The URL and credentials to open; throws (so the test fails) when the test server
    /// cannot run.
    func endpoint() throws -> (url: DatabaseURL, credentials: Credentials) {
        switch self {
        case .testServer:
            let server = try MongoTestServer.shared.get()
            return (try DatabaseURL(server.url), Credentials(username: MongoTestServer.user, password: server.password))
        case .realServer:
            let url = try DatabaseURL(ProcessInfo.processInfo.environment["ARRAKIS_TEST_MONGODB_URI"] ?? "")
            return (url, Credentials(username: url.username, password: url.password))
        }
    }

    func open() throws -> MongoPipelineDatabase {
        let (url, credentials) = try endpoint()
        return try MongoPipelineDatabase(url: url, credentials: credentials)
    }

    /// An epoch no other test of this run uses (random base, so runs against one real
    /// server do not collide either).
    static func freshEpoch() -> Int { epochBase + nextEpoch.add(1, ordering: .relaxed).oldValue }
    private static let epochBase = Int.random(in: 100_000...899_999) * 1000
    private static let nextEpoch = Atomic<Int>(0)
}
