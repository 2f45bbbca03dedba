import Foundation
import XCTest
@testable import Exec
@testable import Graph

/// `ExecutorConformance` on this machine's worker pool.
final class LocalExecutorConformanceTests: XCTestCase {
    let suite = ExecutorConformance(make: { f, observer in
        LocalExecutor(options: .init(jobs: 2, logDirectory: f.state + "/logs", progress: .quiet), observer: observer)
    }, patience: 60)

    func testSuccess() throws { try suite.success() }
    func testFailureWithExitStatusAndLogTail() throws { try suite.failureWithExitStatusAndLogTail() }
    func testRetries() throws { try suite.retries() }
    func testCancel() throws { try suite.cancel() }
    func testKeepGoing() throws { try suite.keepGoing() }
}

/// `ExecutorConformance` on the SLURM cluster `SLURM_CONF` names (scripts/slurm-local.sh
/// start): skipped without one, failed when `ARRAKIS_SLURM_CLUSTER=up` promised one that
/// does not answer. The jobs run the `arrakis` built next to the tests.
final class SlurmExecutorConformanceTests: XCTestCase {
    let suite = ExecutorConformance(make: { f, observer in
        var settings = SlurmSettings()
        settings.pollSeconds = 1
        settings.arrakisPath = try arrakisBinary()
        return SlurmExecutor(options: .init(settings: settings, stateDirectory: f.state, progress: .quiet), observer: observer)
    }, patience: 120)

    override func setUpWithError() throws {
        let env = ProcessInfo.processInfo.environment
        let promised = env["ARRAKIS_SLURM_CLUSTER"] == "up"
        guard env["SLURM_CONF"] != nil || promised else {
            throw XCTSkip("no SLURM cluster: run scripts/test.sh, or scripts/slurm-local.sh start and export SLURM_CONF")
        }
        do {
            try SlurmClient().preflight()
        } catch {
            if promised { throw error }
            throw XCTSkip("\(error)")
        }
    }

    func testSuccess() throws { try suite.success() }
    func testFailureWithExitStatusAndLogTail() throws { try suite.failureWithExitStatusAndLogTail() }
    func testRetries() throws { try suite.retries() }
    func testCancel() throws { try suite.cancel() }
    func testKeepGoing() throws { try suite.keepGoing() }
}

/// The `arrakis` executable built next to the test bundle (or `$ARRAKIS_BIN`).
func arrakisBinary() throws -> String {
    var candidates: [String] = []
    if let env = ProcessInfo.processInfo.environment["ARRAKIS_BIN"] { candidates.append(env) }
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.deletingLastPathComponent()
    for _ in 0..<4 {
        candidates.append(dir.appendingPathComponent("arrakis").path)
        dir = dir.deletingLastPathComponent()
    }
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    candidates.append(repo.appendingPathComponent(".build/debug/arrakis").path)
    for c in candidates where FileManager.default.isExecutableFile(atPath: c) { return c }
    throw XCTSkip("arrakis executable not found (tried \(candidates)); run `swift build` first")
}
