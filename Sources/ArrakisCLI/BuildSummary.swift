import Exec
import Foundation

/// The line a build ends with: `arrakis: 3 built, 10 up to date, 1 failed in 1.23s`.
struct BuildSummary {
    let report: BuildReport
    /// Wall-clock seconds to show (planning included where it came first).
    let seconds: Double

    var text: String {
        let c = report.counts
        var summary = "arrakis: \(c.built) built"
        if c.unchangedAfterBuild > 0 { summary += " (\(c.unchangedAfterBuild) with unchanged outputs)" }
        summary += ", \(c.upToDate) up to date"
        if c.failed > 0 { summary += ", \(c.failed) failed" }
        if c.skipped > 0 { summary += ", \(c.skipped) skipped" }
        return summary + String(format: " in %.2fs", seconds)
    }
}
