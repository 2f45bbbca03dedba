import XCTest
import Graph
@testable import Rules

/// The shell commands that products expand to: template fields in `shell` strings.
final class ShellCommandTests: XCTestCase {
    /// Loads `source`, expands every product in order and returns each instance's command.
    private func commands(_ source: String) throws -> [String: [String]] {
        let dir = try temporaryDirectory(self)
        try write(source, to: dir + "/Arrakisfile")
        let project = try Project.load(path: dir + "/Arrakisfile", environment: [:])
        let graph = BuildGraph()
        var out: [String: [String]] = [:]
        for family in project.families {
            let tasks = try family.expand(in: graph)
            _ = try graph.add(family: family.name, variables: family.variables, tasks: tasks)
            out[family.name] = tasks.map {
                guard case .shell(let text) = $0.command else { return "not a shell command" }
                return text
            }
        }
        return out
    }

    func testOutputsAreWrittenUnderTemporaryNames() throws {
        let result = try commands("""
            product beams {
                for beam in range(0, 2)
                output "beams/b{beam:02}.txt"
                shell "echo {beam} > {output}"
            }
            """)
        XCTAssertEqual(result["beams"], ["echo 0 > beams/b00.arrakis-tmp.txt", "echo 1 > beams/b01.arrakis-tmp.txt"])
    }

    func testManifestField() throws {
        let result = try commands("""
            product sources {
                manifest "sources/all.tsv"
                shell "make_list > {manifest}  # {manifest.name} in {manifest.dir}"
            }
            """)
        XCTAssertEqual(result["sources"], ["make_list > sources/all.arrakis-tmp.tsv  # all.tsv in sources"])
    }

    func testPathAttributesOfInputsAndOutputs() throws {
        let result = try commands("""
            product stamp {
                input cat = "catalogues/field A.xml"
                input "images/beam00.fits"
                output "stamps/beam00.png"
                shell "stamp {input.cat} {input.stem} --title {output.stem} -o {output}"
            }
            """)
        XCTAssertEqual(result["stamp"], ["stamp 'catalogues/field A.xml' 'field A' beam00 --title beam00 -o stamps/beam00.arrakis-tmp.png"])
    }
}
