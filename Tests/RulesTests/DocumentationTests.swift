import XCTest
import Graph
@testable import Rules

/// docs/arrakisfile.md shows only what the parser accepts and messages it really prints.
final class DocumentationTests: XCTestCase {
    static let path = repositoryRoot + "/docs/arrakisfile.md"

    static func blocks() throws -> [MarkdownCodeBlock] {
        MarkdownCodeBlock.all(in: try String(contentsOfFile: path, encoding: .utf8))
    }

    /// The files of the complete example, by name: blocks marked `<!-- file: NAME -->`.
    static func exampleFiles() throws -> [String: String] {
        var files: [String: String] = [:]
        for block in try blocks() {
            guard let marker = block.marker, marker.hasPrefix("file: ") else { continue }
            files[String(marker.dropFirst("file: ".count))] = block.text
        }
        return files
    }

    /// The complete example's Arrakisfile.
    static func mainExample() throws -> String {
        try XCTUnwrap(exampleFiles()["Arrakisfile"], "no '<!-- file: Arrakisfile -->' block in \(path)")
    }

    /// A directory holding the complete example's files.
    private func exampleDirectory() throws -> String {
        let dir = try temporaryDirectory(self)
        for (name, text) in try Self.exampleFiles() { try write(text, to: dir + "/" + name) }
        return dir
    }

    func testCompleteExampleLoads() throws {
        let dir = try exampleDirectory()
        XCTAssertEqual(try Self.exampleFiles().keys.sorted(), ["Arrakisfile", "config/site.arrakis"])
        let project = try Project.load(path: dir + "/Arrakisfile", environment: [:])
        XCTAssertEqual(project.productNames, ["sources", "cutouts", "summary"])
        XCTAssertEqual(project.defaultTargets, ["summary"])
        XCTAssertEqual(project.globals.values["data"], .string("/data/racs"))
        XCTAssertEqual(project.blocks.map(\.kind.name), ["executor"])
        let cutouts = try XCTUnwrap(project.families.first { $0.name == "cutouts" } as? ProductFamily)
        XCTAssertEqual(cutouts.variables, ["field", "beam"])
        XCTAssertEqual(cutouts.expansionFamilies, ["sources"])
        XCTAssertEqual(cutouts.inputFamilies, ["sources"])
        XCTAssertEqual(cutouts.resources, Resources(cpus: 4, memoryMB: 8192, timeSeconds: 1800, retries: 2))

        // The sources' commands, as the walk-through describes them.
        let graph = BuildGraph()
        let sources = try XCTUnwrap(project.families.first { $0.name == "sources" })
        let commands = try sources.expand(in: graph).map(\.command)
        XCTAssertEqual(commands, [
            .shell("select_sources /data/racs/RACS_0000-12/selavy.xml > catalogues/RACS_0000-12.arrakis-tmp.tsv"),
            .shell("select_sources /data/racs/RACS_1237+12/selavy.xml > catalogues/RACS_1237+12.arrakis-tmp.tsv"),
        ])
    }

    /// Every other `arrakis` block is a whole Arrakisfile of its own (the example's
    /// config/site.arrakis is there to be included) that loads without error.
    func testEveryArrakisBlockLoads() throws {
        let dir = try exampleDirectory()
        let snippets = try Self.blocks().filter { $0.language == "arrakis" && $0.marker == nil }
        XCTAssertGreaterThanOrEqual(snippets.count, 15)
        for block in snippets {
            try write(block.text, to: dir + "/Arrakisfile")
            do {
                _ = try Project.load(path: dir + "/Arrakisfile", environment: [:])
            } catch {
                XCTFail("docs/arrakisfile.md:\(block.line): the block does not load:\n\(error)")
            }
        }
    }

    func testShownErrorIsWhatTheParserPrints() throws {
        let dir = try exampleDirectory()
        let shown = try XCTUnwrap(Self.blocks().first { $0.marker?.hasPrefix("error: ") == true })
        XCTAssertTrue(shown.marker!.contains("\"sources[field]\" misspelt \"source[field]\""))
        let broken = try Self.mainExample().replacingOccurrences(of: "sources[field]", with: "source[field]")
        try write(broken, to: dir + "/Arrakisfile")
        guard let d = diagnostic({ try ArrakisfileLoader.load(path: dir + "/Arrakisfile") }) else { return }
        // As `arrakis build` prints it, run in the example's directory.
        XCTAssertEqual(d.description.replacingOccurrences(of: dir + "/", with: "") + "\n", shown.text)
    }

    /// Each sample message, and a file that produces it.
    static let sampleErrors: [(source: String, message: String)] = [
        ("let x = \"abc\n",
         "unterminated string (expected a closing '\"' on the same line; write \\n for a line break)"),
        ("product cutouts {\n    output \"a\"\n    shell \"x\"\n\nlet x = 1\n",
         "unterminated block: product 'cutouts' has no closing '}' (expected '}' before the 'let' statement at line 5)"),
        ("product a {\n    inptu \"x\"\n}\n",
         "unknown keyword 'inptu' (did you mean 'input'?) in product 'a'; expected one of: for, input, output, manifest, param, after, cpus, mem, time, retries, version, shell, rule, description, account, partition, qos"),
        ("product a {\n    for beam in range(0, 36)\n    output \"b{beam:x2}\"\n    shell \"x\"\n}\n",
         "invalid format spec 'x2' in template field '{beam:x2}' (expected [<|>][0][width][.precision], e.g. {n:02}, {name:>8}, {x:.3})"),
        ("product a { input b; output \"a\"; shell \"x\" }\nproduct b { input a; output \"b\"; shell \"x\" }\n",
         "dependency cycle: a -> b -> a (expected products not to depend on themselves through other products)"),
        ("product a {\n    for (field, beam) in glob(\"{field}/beam{bem}.fits\")\n    output \"{field}{beam}\"\n    shell \"x\"\n}\n",
         "loop variables (field, beam) do not match the glob's wildcards (expected the loop variables to be exactly its wildcards: field, bem)"),
        ("executor slurm {\n    acount \"ja3\"\n}\n",
         "unknown setting 'acount' in the 'executor slurm' block (did you mean 'account'?); expected one of: account, partition, qos, time, mem, cpus, sbatch, prologue, max_jobs, min_jobs, poll, tasks_per_job, job_time, arrakis"),
    ]

    func testSampleMessagesAreReal() throws {
        let shown = try XCTUnwrap(Self.blocks().first { $0.marker == "error messages" })
        XCTAssertEqual(shown.text, Self.sampleErrors.map { $0.message + "\n" }.joined())
        for (source, message) in Self.sampleErrors {
            guard let d = diagnostic({ try parse(source) }) else { continue }
            XCTAssertEqual(d.message, message)
        }
    }

    /// The "one owner" example's message is the one the engine and the project give.
    func testOutputConflictExampleGivesTheMessageShown() throws {
        let blocks = try Self.blocks()
        let file = try XCTUnwrap(blocks.first { $0.marker == "conflict: Arrakisfile" }).text
        let shown = try XCTUnwrap(blocks.first { $0.marker == "conflict: message" }).text
        let dir = try temporaryDirectory(self)
        try write(file, to: dir + "/Arrakisfile")
        let previous = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(dir)
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        let project = try Project.load(path: "Arrakisfile", environment: [:])
        let graph = BuildGraph()
        do {
            for f in project.families { try graph.add(family: f.name, variables: f.variables, tasks: try f.expand(in: graph)) }
            XCTFail("no conflict")
        } catch {
            XCTAssertEqual("\(project.located(error))\n", shown)
        }
    }

    func testRebuildReasonsAreTheEnginesWords() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let reasons: [DirtyReason] = [
            .noTrace, .newKey, .ruleChanged("shell v1 -> shell v2"), .parameterChanged("NAME", from: "OLD", to: "NEW"), .commandChanged,
            .inputChanged("PATH"), .inputAdded("PATH"), .inputRemoved("PATH"), .outputsChanged,
            .outputMissing("PATH"), .outputModified("PATH"), .upstreamWillRebuild("KEY"),
        ]
        for reason in reasons {
            XCTAssertTrue(text.contains("`\(reason.description)`"), "docs do not list the reason '\(reason)'")
        }
    }
}
