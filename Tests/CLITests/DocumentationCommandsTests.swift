import Foundation
import XCTest

/// Issue 26: the shell blocks of README.md and docs/tutorial.md marked runnable work as
/// written. A fenced ```sh block whose previous line is `<!-- runnable -->` is runnable; the
/// runnable blocks of a document run in order, in one bash session (variables and the
/// working directory carry over from block to block), with `set -e -o pipefail`, in a
/// scratch copy of the repository's tracked files, with the `arrakis` the tests use first on
/// PATH. Blocks that install packages, build arrakis, start daemons or run the test suite
/// are left unmarked.
final class DocumentationCommandsTests: XCTestCase {
    static let marker = "<!-- runnable -->"

    struct Block {
        var line: Int   // 1-based line of the opening fence
        var text: String
    }

    /// The runnable blocks of a Markdown text.
    static func runnableBlocks(_ markdown: String) -> [Block] {
        let lines = markdown.components(separatedBy: "\n")
        var blocks: [Block] = []
        var i = 0
        while i < lines.count {
            let fence = lines[i].trimmingCharacters(in: .whitespaces)
            guard fence.hasPrefix("```") else { i += 1; continue }
            let start = i
            var body: [String] = []
            i += 1
            while i < lines.count && lines[i].trimmingCharacters(in: .whitespaces) != "```" {
                body.append(lines[i])
                i += 1
            }
            i += 1
            if fence == "```sh" && start > 0 && lines[start - 1].trimmingCharacters(in: .whitespaces) == marker {
                blocks.append(Block(line: start + 1, text: body.joined(separator: "\n")))
            }
        }
        return blocks
    }

    func testTheParserFindsOnlyMarkedShellBlocks() {
        let text = """
            <!-- runnable -->
            ```sh
            echo one
            ```
            ```sh
            echo not marked
            ```
            <!-- runnable -->
            ```python
            print("not shell")
            ```
            <!-- runnable -->
            ```sh
            echo two
            echo three
            ```
            """
        let blocks = Self.runnableBlocks(text)
        XCTAssertEqual(blocks.map(\.text), ["echo one", "echo two\necho three"])
        XCTAssertEqual(blocks.map(\.line), [2, 13])
    }

    /// The repository's tracked files (as git lists them) copied into a scratch directory.
    func scratchCopyOfTheRepository() throws -> String {
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "-C", repositoryRoot, "ls-files", "-z"]
        let pipe = Pipe()
        git.standardOutput = pipe
        try git.run()
        let listing = pipe.fileHandleForReading.readDataToEndOfFile()
        git.waitUntilExit()
        guard git.terminationStatus == 0 else { throw XCTSkip("git ls-files failed in \(repositoryRoot)") }
        let copy = try scratchDirectory(self) + "/repo"
        let fm = FileManager.default
        for path in listing.split(separator: 0).map({ String(decoding: $0, as: UTF8.self) }) {
            let source = repositoryRoot + "/" + path, target = copy + "/" + path
            guard fm.fileExists(atPath: source) else { continue }   // deleted, not yet committed
            try fm.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try fm.copyItem(atPath: source, toPath: target)
        }
        return copy
    }

    /// Runs a document's runnable blocks; fails naming the block that failed.
    func runBlocks(of document: String, minimum: Int) throws {
        let blocks = Self.runnableBlocks(try read(repositoryRoot + "/" + document))
        XCTAssertGreaterThanOrEqual(blocks.count, minimum, "\(document): runnable blocks")
        let dir = try scratchCopyOfTheRepository()
        var script = "set -e -o pipefail\n"
        for block in blocks {
            script += "echo '@@ \(document):\(block.line)' >&2\n\(block.text)\n"
        }
        try script.write(toFile: dir + "/.runnable-blocks.sh", atomically: false, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [".runnable-blocks.sh"]
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        var env = ProcessInfo.processInfo.environment
        let bin = (try arrakisBinary() as NSString).deletingLastPathComponent
        env["PATH"] = bin + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["MONGOC_DISABLE_SHM"] = "1"
        env["TMPDIR"] = dir + "/.tmp"
        for name in ["ARRAKIS_SURVEY", "ARRAKIS_DATABASE", "ARRAKIS_BIN"] { env[name] = nil }
        try FileManager.default.createDirectory(atPath: dir + "/.tmp", withIntermediateDirectories: true)
        process.environment = env
        let start = Date()
        // A block that hangs fails the test instead of the suite (bash is stopped; what it
        // started ends with its own work).
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 600, execute: watchdog)
        defer { watchdog.cancel() }
        let result = try runToEnd(process)
        let seconds = Date().timeIntervalSince(start)
        let failedAt = result.stderr.components(separatedBy: "\n").last(where: { $0.hasPrefix("@@ ") })?.dropFirst(3) ?? "?"
        XCTAssertEqual(result.status, 0, """
            \(document): the runnable block at \(failedAt) failed (exit status \(result.status)).
            stdout (end):
            \(result.stdout.suffix(3000))
            stderr (end):
            \(result.stderr.suffix(3000))
            """)
        print("\(document): \(blocks.count) runnable blocks in \(String(format: "%.1f", seconds)) s")
    }

    func testTheReadmesRunnableBlocksWork() throws {
        try runBlocks(of: "README.md", minimum: 2)
    }

    func testTheTutorialsRunnableBlocksWork() throws {
        try runBlocks(of: "docs/tutorial.md", minimum: 10)
    }
}
