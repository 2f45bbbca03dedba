import Foundation
import XCTest

/// `arrakis --version` names the release and the commit the binary was built from, and the
/// shell completion scripts swift-argument-parser generates are there and well-formed.
final class VersionAndCompletionTests: XCTestCase {
    private func git(_ args: [String]) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", repositoryRoot] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testVersionNamesTheReleaseAndTheCommit() throws {
        let dir = try scratchDirectory(self)
        let r = try arrakis(["--version"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let line = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(line.hasPrefix("arrakis 0."), line)
        let commit = git(["rev-parse", "--short=12", "HEAD"]) ?? "unknown"
        // Built from this checkout: its commit (a later commit or an edit since the build
        // would show here as another commit, or "-modified").
        XCTAssertTrue(line.contains("(commit \(commit)"), "\(line) does not name commit \(commit)")
    }

    func testCompletionScriptsForEachShell() throws {
        let dir = try scratchDirectory(self)
        for shell in ["bash", "zsh", "fish"] {
            let r = try arrakis(["--generate-completion-script", shell], in: dir)
            XCTAssertEqual(r.status, 0, r.stderr)
            for sub in ["build", "graph", "runs", "rmsynth3d"] {
                XCTAssertTrue(r.stdout.contains(sub), "\(shell) completion lacks \(sub)")
            }
            if shell == "bash" {
                let script = dir + "/arrakis.bash"
                try write(r.stdout, to: script)
                let check = Process()
                check.executableURL = URL(fileURLWithPath: "/bin/bash")
                check.arguments = ["-n", script]
                try check.run()
                check.waitUntilExit()
                XCTAssertEqual(check.terminationStatus, 0, "bash -n: the bash completion script does not parse")
            }
        }
    }

    /// Every command a user runs shows examples in its `--help` (run-task and bench-history
    /// are for the job scripts and the benches).
    func testEveryCommandsHelpHasExamples() throws {
        let dir = try scratchDirectory(self)
        let help = try arrakis(["--experimental-dump-help"], in: dir)
        struct Dump: Decodable {
            struct Command: Decodable {
                var commandName: String
                var shouldDisplay: Bool?
                var subcommands: [Command]?
            }
            var command: Command
        }
        let dump = try JSONDecoder().decode(Dump.self, from: Data(help.stdout.utf8))
        var checked = 0
        func walk(_ c: Dump.Command, _ path: [String]) throws {
            for sub in c.subcommands ?? [] where sub.shouldDisplay != false && !["run-task", "bench-history", "help"].contains(sub.commandName) {
                let r = try arrakis(path + [sub.commandName, "--help"], in: dir)
                XCTAssertEqual(r.status, 0, r.stderr)
                let examples = r.stdout.range(of: "Examples:\n  ").map { String(r.stdout[$0.upperBound...]) } ?? ""
                XCTAssertTrue(examples.contains("arrakis \((path + [sub.commandName]).joined(separator: " "))"),
                              "arrakis \((path + [sub.commandName]).joined(separator: " ")) --help has no examples of it")
                checked += 1
                try walk(sub, path + [sub.commandName])
            }
        }
        try walk(dump.command, [])
        XCTAssertGreaterThanOrEqual(checked, 18, "every command was looked at")
    }
}
