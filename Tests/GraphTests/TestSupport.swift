import Foundation
import Graph
import XCTest

/// A family defined in code, for engine tests.
struct CodeFamily: FamilySource {
    var name: String
    var variables: [String] = []
    var inputFamilies: [String] = []
    var expansionFamilies: [String] = []
    var make: @Sendable (BuildGraph) throws -> [TaskSpec]
    func expand(in graph: BuildGraph) throws -> [TaskSpec] { try make(graph) }
}

/// A temporary directory that is the current directory for the test.
final class Sandbox {
    let path: String
    private let previous: String

    init() throws {
        path = NSTemporaryDirectory() + "arrakis-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        previous = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(path)
    }

    func write(_ file: String, _ text: String) throws {
        try TemporaryOutput.makeParentDirectories(file)
        try text.write(toFile: file, atomically: false, encoding: .utf8)
    }

    func read(_ file: String) -> String? { try? String(contentsOfFile: file, encoding: .utf8) }

    func stores() throws -> (DigestCache, TraceStore) { try Self.openStores() }

    /// The digest cache and trace store under `.arrakis` in the current directory.
    static func openStores() throws -> (DigestCache, TraceStore) {
        try FileManager.default.createDirectory(atPath: ".arrakis", withIntermediateDirectories: true)
        let clock = try FilesystemClock(markerPath: ".arrakis/clock")
        return (try DigestCache(path: ".arrakis/digests.log", clock: clock), try TraceStore(path: ".arrakis/traces.log"))
    }

    deinit {
        FileManager.default.changeCurrentDirectoryPath(previous)
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Runs an engine to completion in-process: each job's command is a Swift closure keyed by
/// the product key, writing to the temporary output paths.
@discardableResult
func drive(_ engine: BuildEngine, _ run: (BuildEngine.Job) throws -> Void) throws -> [String] {
    try engine.start()
    var ran: [String] = []
    while !engine.isFinished {
        for job in engine.takeJobs() {
            ran.append(job.key)
            do {
                try TemporaryOutput.prepare(job.spec.outputs)
                try run(job)
                try engine.finished(job.id, outputs: try job.spec.outputs.map(TemporaryOutput.commit))
            } catch {
                try engine.failed(job.id, message: "\(error)")
            }
        }
    }
    try engine.flushStores(sync: true)
    return ran
}
