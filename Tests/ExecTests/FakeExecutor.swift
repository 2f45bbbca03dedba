import Foundation
@testable import Exec
@testable import Graph

/// An executor that runs no command: each attempt writes or fails as `script` says, one at
/// a time on the calling thread, and is recorded like any executor's. For tests of what
/// happens to results (retries, keep-going, the report) without processes or timing.
final class FakeExecutor: Executor {
    enum Step {
        /// Writes this text to every output.
        case write(String)
        case fail(String)
    }

    let name = "fake"
    /// What attempt N of product KEY does.
    let script: (_ key: String, _ attempt: Int) -> Step
    private(set) var attempts: [(key: String, attempt: Int)] = []
    private var cancelled = false

    init(script: @escaping (_ key: String, _ attempt: Int) -> Step) { self.script = script }

    func cancel() { cancelled = true }

    func run(_ engine: BuildEngine) throws -> BuildReport {
        let recorder = ResultRecorder(executor: name, engine: engine, digests: nil, observer: nil,
                                      progress: ProgressReporter(mode: .quiet))
        try recorder.start(workers: 1)
        var queue = engine.takeJobs().map { ($0, 1) }
        while !cancelled, !queue.isEmpty {
            let (job, n) = queue.removeFirst()
            recorder.taskStarted(job)
            attempts.append((job.key, n))
            let now = Date()
            var result = TaskResult(job: job, attempt: n, outcome: .failure(""), seconds: 0, started: now, ended: now,
                                    details: .init())
            switch script(job.key, n) {
            case .write(let text):
                do {
                    try TemporaryOutput.prepare(job.spec.outputs)
                    for o in job.spec.outputs { try text.write(toFile: TemporaryOutput.path(for: o), atomically: false, encoding: .utf8) }
                    result.outcome = .success(try job.spec.outputs.map(TemporaryOutput.commit))
                } catch {
                    result.outcome = .failure("\(error)")
                }
            case .fail(let message):
                result.outcome = .failure(message)
            }
            let retry = { if case .failure = result.outcome { return n <= job.spec.resources.retries } else { return false } }()
            _ = try recorder.record(result, retryNote: retry ? "retrying \(job.key)" : nil, running: 0)
            if retry { queue.append((job, n + 1)) }
            queue += engine.takeJobs().map { ($0, 1) }
        }
        if cancelled { engine.stop() }
        recorder.interrupted = cancelled
        return try recorder.finish()
    }
}
