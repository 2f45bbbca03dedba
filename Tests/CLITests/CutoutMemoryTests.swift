import Foundation
import XCTest

/// Issue 25: the cutouts hold at most `max_memory_mb` of pixels whatever the cube's size
/// (the islands are cut in bands of rows when their cutouts do not fit), and a beam whose
/// cubes are larger than the memory the process may use is cut without running out of it.
final class CutoutMemoryTests: XCTestCase {
    let environment = ["ARRAKIS_SURVEY": "survey", "ARRAKIS_DATABASE": "sqlite:work/pipeline.db"]

    /// One beam of 320 x 320 x 288 cubes (118 MB each), its sources loaded, and the root
    /// Arrakisfile with the cutouts' `max_memory_mb` set to `memoryMiB`; and the peak memory
    /// of building the sources (the process without the cutter).
    func project(memoryMiB: Int) throws -> (dir: String, baseline: Int) {
        let dir = try scratchDirectory(self)
        let sim = try arrakis(["simulate", "survey", "--sources", "60", "--fields", "1", "--epochs", "1", "--beams", "1",
                               "--npix", "320", "--channels", "288", "-j", "1"], in: dir)
        XCTAssertEqual(sim.status, 0, sim.stderr)
        let root = try String(contentsOfFile: repositoryRoot + "/Arrakisfile", encoding: .utf8)
        XCTAssertTrue(root.contains("    param pad = 3\n"))
        try write(root.replacingOccurrences(of: "    param pad = 3\n", with: "    param pad = 3\n    param max_memory_mb = \(memoryMiB)\n"),
                  to: dir + "/Arrakisfile")
        let sources = try arrakis(["build", "--progress", "quiet", "--timings", "sources"], in: dir, environment: environment)
        XCTAssertEqual(sources.status, 0, sources.stderr)
        return (dir, try peakMiB(sources))
    }

    /// The "peak resident memory" `build --timings` prints.
    func peakMiB(_ r: RunResult) throws -> Int {
        try XCTUnwrap(r.stderr.components(separatedBy: "peak resident memory: ").dropFirst().last
            .flatMap { Int($0.prefix { $0.isNumber }) }, r.stderr)
    }

    /// The bytes of the cutouts written (images only) and of one cube.
    func sizes(_ dir: String) throws -> (cutouts: Int, cube: Int) {
        var cutouts = 0
        let root = dir + "/work/epoch_0/cutouts"
        for case let path as String in FileManager.default.enumerator(atPath: root)! where path.contains(".cutout.image.") {
            cutouts += (try FileManager.default.attributesOfItem(atPath: root + "/" + path)[.size] as? Int) ?? 0
        }
        let cube = try XCTUnwrap(try FileManager.default.attributesOfItem(
            atPath: dir + "/survey/epoch_0/RACS_1230-31A/image.restored.q.RACS_1230-31A.contcube.beam00.conv.fits")[.size] as? Int)
        return (cutouts, cube)
    }

    func testPeakMemoryStaysUnderTheBudgetForCubesMuchLarger() throws {
        let (dir, baseline) = try project(memoryMiB: 8)
        // The digests of the cubes first (the engine streams them through a 1 MiB buffer).
        XCTAssertEqual(try arrakis(["build", "--dry-run", "cutouts"], in: dir, environment: environment).status, 0)
        let r = try arrakis(["build", "--progress", "quiet", "--timings", "cutouts"], in: dir, environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)
        let peak = try peakMiB(r)
        let (cutouts, cube) = try sizes(dir)
        XCTAssertGreaterThan(cube, 110_000_000)
        XCTAssertGreaterThan(cutouts, 3 * 8 << 20, "the beam's cutouts (\(cutouts) bytes) must not fit in the budget")
        // Above the process without the cutter: the budget, the read plans and the allocator's
        // slack (about 10-25 MiB measured); the cubes are 3 x 118 MB, the cutouts ~3 x 40 MB.
        XCTAssertLessThan(peak - baseline, 8 + 40,
                          "peak memory \(peak) MiB (\(baseline) without the cutter) with max_memory_mb = 8, cubes of \(cube / 1_000_000) MB")
    }

    /// Acceptance 4: the cutouts of a beam whose cubes (3 x 118 MB) exceed the memory the
    /// process may use (a cgroup v1 memory limit of 96 MiB, page cache included) are cut
    /// without the kernel's OOM killer stepping in.
    func testCutsCubesLargerThanACgroupMemoryLimit() throws {
        let cgroups = "/sys/fs/cgroup/memory"
        let group = cgroups + "/arrakis-cutouts-test-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        guard mkdir(group, 0o755) == 0 else {
            throw XCTSkip("cannot create a cgroup v1 memory group under \(cgroups) (\(String(cString: strerror(errno)))): needs root and the v1 memory controller")
        }
        addTeardownBlock { rmdir(group) }
        let limit = 96 << 20
        try String(limit).write(toFile: group + "/memory.limit_in_bytes", atomically: false, encoding: .utf8)
        let (dir, _) = try project(memoryMiB: 32)
        let process = try arrakisProcess(["build", "--progress", "quiet", "cutouts"], in: dir, environment: environment)
        // Joins the group first, then becomes arrakis.
        let binary = try XCTUnwrap(process.executableURL?.path)
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "echo $$ > '\(group)/cgroup.procs' && exec \"$0\" \"$@\"", binary] + (process.arguments ?? [])
        let r = try runToEnd(process)
        XCTAssertEqual(r.status, 0, "arrakis in a \(limit >> 20) MiB cgroup: \(r.stderr)")
        let oom = try String(contentsOfFile: group + "/memory.oom_control", encoding: .utf8)
        XCTAssertTrue(oom.contains("oom_kill 0") || !oom.contains("oom_kill"), oom)
        let used = Int(try String(contentsOfFile: group + "/memory.max_usage_in_bytes", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        XCTAssertGreaterThan(used, 0, "arrakis ran in the group")
        XCTAssertLessThanOrEqual(used, limit)
        let (cutouts, cube) = try sizes(dir)
        XCTAssertGreaterThan(cube, limit, "one cube alone exceeds the limit")
        XCTAssertGreaterThan(cutouts, limit, "and so do its cutouts")
    }
}
