import Foundation
import Graph

/// Shows build progress: a live, redrawn line on a terminal (done/running/failed/total,
/// rate, ETA), or one plain line per finished task otherwise (logs, CI). The ETA uses
/// recorded durations when run history has them (`EtaEstimator`).
public final class ProgressReporter: @unchecked Sendable {
    public enum Mode: String, Sendable, CaseIterable { case auto, live, plain, quiet }

    private let live: Bool
    private let quiet: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var lineShown = false
    private(set) var done = 0
    private(set) var failed = 0
    private var eta: EtaEstimator

    public init(mode: Mode = .auto, workers: Int = 1, estimates: DurationEstimates = DurationEstimates()) {
        eta = EtaEstimator(estimates: estimates, workers: workers)
        switch mode {
        case .auto: live = isatty(2) == 1; quiet = false
        case .live: live = true; quiet = false
        case .plain: live = false; quiet = false
        case .quiet: live = false; quiet = true
        }
    }

    func taskStarted(family: String) {
        eta.started(family: family)
    }

    func taskFinished(_ key: String, family: String, reason: DirtyReason, ok: Bool, seconds: Double,
                      running: Int, total: Int, message: String? = nil) {
        if ok { done += 1 } else { failed += 1 }
        if ok { eta.finished(family: family, seconds: seconds) }
        guard !quiet else { return }
        if !ok {
            clearLine()
            emit("FAILED \(key): \(message ?? "")\n")
        } else if !live {
            emit("[\(done + failed)/\(total)] \(key) (\(reason)) \(String(format: "%.2fs", seconds))\n")
        }
        tick(running: running, total: total, current: key)
    }

    func note(_ text: String) {
        guard !quiet else { return }
        clearLine()
        emit(text + "\n")
    }

    /// Redraws the live line at most ten times a second.
    func tick(running: Int, total: Int, current: String = "", force: Bool = false) {
        guard live, !quiet else { return }
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let finished = done + failed
        let rate = elapsed > 0 ? Double(finished) / elapsed : 0
        let eta = self.eta.eta(remaining: max(0, total - finished), rate: rate)
        var line = "[\(finished)/\(total)] running \(running), failed \(failed), \(String(format: "%.1f", rate))/s, ETA \(Self.duration(eta))"
        if !current.isEmpty { line += "  " + current }
        let cols = Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 100
        if line.count > cols - 1 { line = String(line.prefix(cols - 1)) }
        emit("\r\u{1B}[K" + line)
        lineShown = true
    }

    func finish() { clearLine() }

    private func clearLine() {
        if lineShown { emit("\r\u{1B}[K"); lineShown = false }
    }

    private func emit(_ s: String) {
        FileHandle.standardError.write(Data(s.utf8))
    }

    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        if t < 60 { return "\(t)s" }
        if t < 3600 { return "\(t / 60)m\(String(format: "%02d", t % 60))s" }
        return "\(t / 3600)h\(String(format: "%02d", (t % 3600) / 60))m"
    }
}
