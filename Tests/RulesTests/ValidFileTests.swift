import XCTest
import Graph
@testable import Rules

/// Whole valid Arrakisfiles parse into the expected syntax tree.
final class ValidFileTests: XCTestCase {
    func testShellDemoExample() throws {
        let path = repositoryRoot + "/examples/shell-demo/Arrakisfile"
        let ast = try ArrakisfileLoader.load(path: path)
        XCTAssertEqual(ast.files, [path])
        XCTAssertEqual(ast.variables.map(\.name.name), ["minimum"])
        XCTAssertEqual(ast.variables.map { render($0.value) }, ["env(\"MIN_WORDS\", 1)"])
        XCTAssertEqual(ast.products.map(\.name.name), ["wc", "long", "summary"])

        let wc = try XCTUnwrap(ast.product("wc"))
        XCTAssertEqual(wc.fanOuts.map { $0.variables.map(\.name) }, [["name"]])
        XCTAssertEqual(wc.fanOuts.map { render($0.source) }, ["glob(\"inputs/{name}.txt\")"])
        XCTAssertEqual(wc.inputs.map { render($0.value) }, ["\"inputs/{name}.txt\""])
        XCTAssertEqual(wc.outputs.map { render($0.value) }, ["\"counts/{name}.count\""])
        XCTAssertEqual(wc.settings.map(\.key.name), ["shell", "description"])
        XCTAssertEqual(wc.setting("shell").map { render($0.value) }, "\"wc -w < {input} > {output}\"")

        let long = try XCTUnwrap(ast.product("long"))
        XCTAssertEqual(long.inputs.map { render($0.value) }, ["wc[name]"])
        XCTAssertEqual(long.params.map { "\($0.name!.name) = \(render($0.value))" }, ["threshold = minimum"])

        let summary = try XCTUnwrap(ast.product("summary"))
        XCTAssertEqual(summary.inputs.map { render($0.value) }, ["wc"])
        // `{{ ... }}` in the shell command is a literal brace for awk.
        XCTAssertEqual(summary.setting("shell").map { render($0.value) },
                       "\"cat {inputs} | awk '{ s += $1 } END { print s }' > {output}\"")
        XCTAssertEqual(summary.settings.map { "\($0.key.name) \(render($0.value))" },
                       ["shell \"cat {inputs} | awk '{ s += $1 } END { print s }' > {output}\"",
                        "cpus 1", "mem \"64M\"", "time \"1m\""])

        guard case .defaults(let names, _)? = ast.statements.last else {
            return XCTFail("expected the file to end with 'default'")
        }
        XCTAssertEqual(names.map(\.name), ["summary", "long"])
    }

    /// Includes, env() defaults, settings blocks, fan-out over two glob wildcards, manifest
    /// fan-out, selections, named inputs and outputs, params and resources.
    static let pipeline = """
        # A RACS-like pipeline.
        include "config/common.arrakis"

        let fields = ["RACS_0000-12", "RACS_1237+12"]

        product sources {
            for field in fields
            input "{data}/{field}/selavy.xml"
            manifest "sources/{field}.tsv"
            shell "select_sources {input} > {manifest}"
            time "00:10:00"
        }

        product beam_images {
            for (epoch, field) in glob("{data}/epoch_{epoch}/{field}")
            input table = "tables/{field}.json"
            input cubes = glob("{data}/epoch_{epoch}/{field}/*.fits")
            manifest "images/{epoch}/{field}.tsv"
            param pad = 5.0
            param cutouts = "images/{epoch}/{field}"
            rule cutouts
            cpus 4; mem "8G"; time "2h"
            retries 2
            version 3
        }

        product cutouts {
            for (field, source) in manifest(sources)
            input catalogue = sources[field]
            input images = beam_images[field]
            output cube = "cutouts/{field}/{source}.fits"
            output "cutouts/{field}/{source}.png"
            shell "cutout --catalogue {input.catalogue} {input.images} -o {output.cube}"
            description "cut out {source} from {field}"
        }

        product summary {
            input cutouts
            output "summary.csv"
            shell "summarise {inputs} > {output}"
        }

        default summary
        database { path "{data}/arrakis.db" }
        """

    static let common = """
        # Shared settings: where the data live (overridable from the environment).
        let data = env("RACS_DATA", "/data/racs")
        executor slurm {
            account "ja3"
            partition "work"
        }
        """

    func testRichPipelineWithIncludes() throws {
        let dir = try temporaryDirectory(self)
        try write(Self.pipeline, to: dir + "/Arrakisfile")
        try write(Self.common, to: dir + "/config/common.arrakis")
        let ast = try ArrakisfileLoader.load(path: dir + "/Arrakisfile")

        XCTAssertEqual(ast.files, [dir + "/Arrakisfile", dir + "/config/common.arrakis"])
        // The included statements stand where the include was.
        XCTAssertEqual(ast.statements.map(Self.summary), [
            "let data", "block executor slurm", "let fields",
            "product sources", "product beam_images", "product cutouts", "product summary",
            "default summary", "block database",
        ])
        let data = try XCTUnwrap(ast.variables.first)
        XCTAssertEqual(data.name.location, SourceLocation(file: dir + "/config/common.arrakis", line: 2, column: 5))
        XCTAssertEqual(render(data.value), "env(\"RACS_DATA\", \"/data/racs\")")

        let sources = try XCTUnwrap(ast.product("sources"))
        XCTAssertEqual(sources.manifest.map(render), "\"sources/{field}.tsv\"")
        XCTAssertTrue(sources.outputs.isEmpty)

        let images = try XCTUnwrap(ast.product("beam_images"))
        XCTAssertEqual(images.fanOuts.map { $0.variables.map(\.name) }, [["epoch", "field"]])
        XCTAssertEqual(images.fanOuts.map { render($0.source) }, ["glob(\"{data}/epoch_{epoch}/{field}\")"])
        XCTAssertEqual(images.inputs.map { $0.name?.name }, ["table", "cubes"])
        XCTAssertEqual(images.manifest.map(render), "\"images/{epoch}/{field}.tsv\"")
        XCTAssertEqual(images.params.map { "\($0.name!.name) = \(render($0.value))" },
                       ["pad = 5.0", "cutouts = \"images/{epoch}/{field}\""])
        XCTAssertEqual(images.settings.map { "\($0.key.name) \(render($0.value))" },
                       ["rule cutouts", "cpus 4", "mem \"8G\"", "time \"2h\"", "retries 2", "version 3"])

        let cutouts = try XCTUnwrap(ast.product("cutouts"))
        XCTAssertEqual(cutouts.fanOuts.map { render($0.source) }, ["manifest(sources)"])
        XCTAssertEqual(cutouts.inputs.map { "\($0.name!.name) = \(render($0.value))" },
                       ["catalogue = sources[field]", "images = beam_images[field]"])
        XCTAssertEqual(cutouts.outputs.map { $0.name?.name }, ["cube", nil])

        guard case .block(let database)? = ast.statements.last else { return XCTFail("expected a block last") }
        XCTAssertNil(database.name)
        XCTAssertEqual(database.settings.map { "\($0.key.name) \(render($0.value))" }, ["path \"{data}/arrakis.db\""])

        // It lowers too: env() falls back to its default, resources are read.
        let project = try Project.load(path: dir + "/Arrakisfile", environment: [:])
        XCTAssertEqual(project.globals.values["data"], .string("/data/racs"))
        XCTAssertEqual(project.defaultTargets, ["summary"])
        let family = try XCTUnwrap(project.families.first { $0.name == "beam_images" } as? ProductFamily)
        XCTAssertEqual(family.resources, Resources(cpus: 4, memoryMB: 8192, timeSeconds: 7200, retries: 2))
        XCTAssertEqual(family.ruleKind, "cutouts")
        XCTAssertEqual(family.ruleVersion, "3 (built-in 2)")
        let cutoutFamily = try XCTUnwrap(project.families.first { $0.name == "cutouts" })
        XCTAssertEqual(cutoutFamily.expansionFamilies, ["sources"])
        XCTAssertEqual(cutoutFamily.inputFamilies, ["beam_images", "sources"])
    }

    func testEnvironmentOverridesEnvDefault() throws {
        let dir = try temporaryDirectory(self)
        try write(Self.pipeline, to: dir + "/Arrakisfile")
        try write(Self.common, to: dir + "/config/common.arrakis")
        let project = try Project.load(path: dir + "/Arrakisfile", environment: ["RACS_DATA": "/scratch/racs"])
        XCTAssertEqual(project.globals.values["data"], .string("/scratch/racs"))
    }

    private static func summary(_ statement: TopLevel) -> String {
        switch statement {
        case .variable(let v): return "let \(v.name.name)"
        case .product(let p): return "product \(p.name.name)"
        case .defaults(let names, _): return "default " + names.map(\.name).joined(separator: " ")
        case .block(let b): return "block \(b.kind.name)" + (b.name.map { " " + $0.name } ?? "")
        }
    }
}
