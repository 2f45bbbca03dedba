import Foundation
import XCTest

/// `arrakis build --timings` names each phase with its seconds and the resident memory when
/// it ended, then the run's peak: what a user needs to see where a big build's time and
/// memory go.
final class TimingsTests: XCTestCase {
    func testTimingsShowSecondsAndMemoryPerPhase() throws {
        let dir = try scratchDirectory(self)
        try """
        product copy {
            for i in ["1", "2", "3"]
            output "out/{i}.txt"
            shell "echo {i} > {output}"
        }
        """.write(toFile: dir + "/Arrakisfile", atomically: true, encoding: .utf8)
        let run = try arrakis(["build", "--timings", "--progress", "quiet"], in: dir)
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = run.stderr.split(separator: "\n").map(String.init)
        let phase = try NSRegularExpression(pattern: #"^ +[0-9]+\.[0-9]{3}s +([0-9]+) MiB \(peak ([0-9]+)\)  (.+)$"#)
        var phases: [String: (now: Int, peak: Int)] = [:]
        for l in lines {
            guard let m = phase.firstMatch(in: l, range: NSRange(l.startIndex..., in: l)) else { continue }
            let group = { (i: Int) in String(l[Range(m.range(at: i), in: l)!]) }
            phases[group(3)] = (Int(group(1))!, Int(group(2))!)
        }
        for name in ["load Arrakisfile", "expand copy", "evaluate", "plan"] {
            let p = try XCTUnwrap(phases[name], "no '\(name)' phase in:\n\(run.stderr)")
            XCTAssertGreaterThan(p.now, 0)
            XCTAssertGreaterThanOrEqual(p.peak, p.now)
        }
        let peakLine = try XCTUnwrap(lines.first { $0.contains("peak resident memory:") }, run.stderr)
        let peak = try XCTUnwrap(Int(peakLine.split(separator: " ").dropLast().last ?? ""), peakLine)
        XCTAssertGreaterThanOrEqual(peak, phases.values.map(\.peak).max() ?? 0)
    }
}
