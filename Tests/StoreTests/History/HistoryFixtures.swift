import Foundation
@testable import Store

/// Runs and task records with every field exercised: NULLs, quotes, newlines, non-ASCII,
/// a retried attempt, a failure, output lists.
enum HistoryFixtures {
    static let base = Date(timeIntervalSince1970: 1_764_000_000.123)

    static func run(_ id: String, minutesAfter m: Double = 0, outcome: RunRecord.Outcome = .succeeded) -> RunRecord {
        let started = base.addingTimeInterval(m * 60)
        return RunRecord(id: id, user: "astro", host: "node-ü1", directory: "/survey/'quoted' dir",
                         started: started, ended: outcome == .running ? nil : started.addingTimeInterval(12.3456),
                         commandLine: "arrakis build -j 4 'spectra:RACS_1237+12A'", arrakisfileDigest: "0123456789abcdef0123456789abcdef",
                         targets: ["spectra:RACS_1237+12A", "catalogue"], executor: "local", outcome: outcome,
                         counts: .init(planned: 3, built: 2, unchanged: 1, upToDate: 40, failed: 1, skipped: 2))
    }

    static func tasks(_ runID: String, minutesAfter m: Double = 0) -> [TaskRecord] {
        let t0 = base.addingTimeInterval(m * 60)
        return [
            TaskRecord(runID: runID, product: "cutout[RACS_1237+12A, 3165]", family: "cutout", attempt: 1,
                       reason: "input beams/RACS_1237+12A.fits changed", fingerprint: "ffeeddccbbaa99887766554433221100",
                       status: .succeeded, started: t0, ended: t0.addingTimeInterval(1.5), duration: 1.500_001,
                       peakMemoryKB: 123_456, host: "node-1", jobID: "4242_7", exitStatus: 0,
                       outputs: [.init(path: "cutouts/a.fits", digest: "00112233445566778899aabbccddeeff"),
                                 .init(path: "cutouts/a.weights.fits", digest: "ffeeddccbbaa99887766554433221100")]),
            TaskRecord(runID: runID, product: "spectra[RACS_1237+12A]", family: "spectra", attempt: 1,
                       reason: "never built", fingerprint: "11111111111111111111111111111111", status: .retried,
                       started: t0.addingTimeInterval(2), ended: t0.addingTimeInterval(2.25), duration: 0.25,
                       host: "node-2", exitStatus: 3,
                       message: "exit status 3; last lines of .arrakis/logs/spectra.log:\n    | it's \"broken\" — ünïcode",
                       logPath: ".arrakis/logs/spectra.log"),
            TaskRecord(runID: runID, product: "spectra[RACS_1237+12A]", family: "spectra", attempt: 2,
                       reason: "never built", fingerprint: "11111111111111111111111111111111", status: .failed,
                       started: t0.addingTimeInterval(3), ended: t0.addingTimeInterval(3.5), duration: 0.5,
                       host: "node-2", message: "killed by signal 9"),
        ]
    }
}
