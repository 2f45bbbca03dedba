import Foundation
import Store
import XCTest

/// Issue 19, acceptance 6: Arrakisfiles made from the root one by random edits that add a
/// second product (a copy of one of its products, with params changed or misspelt, inputs
/// swapped, outputs and output locations kept, changed or taken from another product).
/// Each is either refused before anything runs, at a line of the Arrakisfile, or built; and
/// no build that succeeds leaves any file or database entry of the root products different
/// from a clean build's.
final class SecondProductFuzzTests: XCTestCase {
    static let seed: UInt64 = 0x5357_4545_5031_3921   // "SWEEP19!"
    static let cases = 36
    let environment = ["ARRAKIS_SURVEY": "survey", "ARRAKIS_DATABASE": "sqlite:work/pipeline.db"]

    /// A product block of the root Arrakisfile.
    struct Block {
        var name: String
        var lines: [String]
        var rule: String? { lines.first { $0.hasPrefix("    rule ") }.map { String($0.dropFirst("    rule ".count)) } }
    }

    static func blocks(_ text: String) -> [Block] {
        var out: [Block] = []
        var current: [String]? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("product ") { current = [line] } else if current != nil { current!.append(line) }
            if line == "}", let c = current {
                out.append(Block(name: String(c[0].dropFirst("product ".count).prefix { $0 != " " }), lines: c))
                current = nil
            }
        }
        return out
    }

    /// A second product made from `block` by random edits; `n` makes its names unique.
    static func mutate(_ block: Block, all: [Block], n: Int, random: inout SplitMix64) -> (text: String, edits: [String]) {
        var lines = block.lines
        var edits: [String] = []
        let name = "\(block.name)_dup\(n)"
        lines[0] = lines[0].replacingOccurrences(of: "product \(block.name) ", with: "product \(name) ")
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &random) < p }
        for i in lines.indices {
            let line = lines[i]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("manifest ") || trimmed.hasPrefix("output ") {
                if chance(0.85) {
                    lines[i] = line.replacingOccurrences(of: ".tsv\"", with: ".dup\(n).tsv\"")
                        .replacingOccurrences(of: ".xml\"", with: ".dup\(n).xml\"").replacingOccurrences(of: ".fits\"", with: ".dup\(n).fits\"")
                        .replacingOccurrences(of: ".png\"", with: ".dup\(n).png\"").replacingOccurrences(of: ".html\"", with: ".dup\(n).html\"")
                    edits.append("own \(trimmed.prefix { $0 != " " }) path")
                } else {
                    edits.append("same \(trimmed.prefix { $0 != " " }) path")
                }
            } else if trimmed.hasPrefix("param ") {
                let parts = trimmed.dropFirst("param ".count).split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                let (key, value) = (parts[0], parts[1])
                if chance(0.05) {
                    lines[i] = "    param \(key)x = \(value)"
                    edits.append("misspelt \(key)")
                } else if let v = Int(value), chance(0.5) {
                    lines[i] = "    param \(key) = \(v + 1)"
                    edits.append("\(key) \(v + 1)")
                } else if let v = Double(value), chance(0.5) {
                    lines[i] = "    param \(key) = \(v * 1.5)"
                    edits.append("\(key) \(v * 1.5)")
                } else if value == "pipeline_db", chance(0.7) {
                    lines[i] = "    param \(key) = \"sqlite:work/dup\(n).db\""
                    edits.append("own database")
                } else if value.hasPrefix("\"work/"), chance(0.8) {
                    lines[i] = "    param \(key) = \(value.dropLast())_dup\(n)\""
                    edits.append("own \(key)")
                }
            }
        }
        // Output locations the original leaves at their defaults.
        if block.rule == "rmsynth" {
            if chance(0.8) { lines.insert("    param directory = \"work/epoch_{epoch}/rmsynth_dup\(n)\"", at: 2); edits.append("own directory") }
            if chance(0.8) { lines.insert("    param results = \"rm_dup\(n)\"", at: 2); edits.append("own results") }
            if chance(0.5) { lines.insert("    param phi_max = \(Int.random(in: 300...1500, using: &random))", at: 2); edits.append("phi_max") }
        }
        // Swapped inputs: two of its own, or one taken from another product.
        let inputs = lines.indices.filter { lines[$0].hasPrefix("    input ") && lines[$0].contains(" = ") }
        if inputs.count >= 2, chance(0.15) {
            let a = inputs[0], b = inputs[1]
            let va = lines[a].components(separatedBy: " = ")[1], vb = lines[b].components(separatedBy: " = ")[1]
            lines[a] = lines[a].components(separatedBy: " = ")[0] + " = " + vb
            lines[b] = lines[b].components(separatedBy: " = ")[0] + " = " + va
            edits.append("swapped inputs")
        } else if let a = inputs.first, chance(0.1),
                  let other = all.filter({ $0.name != block.name && $0.lines.contains { $0.hasPrefix("    for (epoch, field)") } }).randomElement(using: &random) {
            lines[a] = lines[a].components(separatedBy: " = ")[0] + " = \(other.name)[epoch, field]"
            edits.append("input from \(other.name)")
        }
        // An output of another product.
        if chance(0.1), let other = all.filter({ $0.name != block.name }).randomElement(using: &random),
           let output = other.lines.first(where: { $0.hasPrefix("    manifest ") || $0.hasPrefix("    output ") }) {
            lines.insert(output, at: 2)
            edits.append("\(other.name)'s \(output.trimmingCharacters(in: .whitespaces).prefix { $0 != " " })")
        }
        return (lines.joined(separator: "\n"), edits)
    }

    /// Each component, island and field document of epoch 0, by collection and key.
    func documents(_ dir: String) throws -> [String: Document] {
        let db = try DatabaseOpener.pipeline("sqlite:\(dir)/work/pipeline.db", credentials: Credentials(username: nil, password: nil))
        var out: [String: Document] = [:]
        for (collection, key) in [(PipelineCollection.components, "Gaussian_ID"), (.islands, "Source_ID"), (.beams, "Source_ID")] {
            for doc in try db.find(collection, epoch: 0, .all) {
                out["\(collection) \(doc[key]?.description ?? "?")"] = doc
            }
        }
        return out
    }

    func testNoAcceptedSecondProductChangesTheFirstProductsResults() throws {
        let base = try scratchDirectory(self)
        XCTAssertEqual(try arrakis(["simulate", "survey", "--ionosphere", "--fields", "2", "--epochs", "1", "--beams", "4",
                                    "--sources", "12", "--channels", "12", "--npix", "64"], in: base).status, 0)
        let root = try perFieldArrakisfile()
        func project(_ name: String, _ text: String) throws -> String {
            let dir = base + "/" + name
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: base + "/survey", toPath: dir + "/survey")
            try write(text, to: dir + "/Arrakisfile")
            return dir
        }
        let clean = try project("clean", root)
        XCTAssertEqual(try arrakis(["build", "--progress", "quiet"], in: clean, environment: environment).status, 0)
        let skip: (String) -> Bool = { $0 == "Arrakisfile" || $0.hasPrefix("survey/") || $0.hasPrefix("work/pipeline.db") || $0.hasSuffix(".cutouts.tsv") }
        let cleanFiles = try fileContents(under: clean, skip: skip)
        let cleanDocuments = try documents(clean)
        XCTAssertGreaterThan(cleanFiles.count, 100)

        let blocks = Self.blocks(root)
        XCTAssertEqual(blocks.map(\.name), ["sources", "cutouts", "mosaics", "spectra", "frion", "rmsynth", "rmclean", "catalogue",
                                            "region", "region_mosaics", "region_spectra", "region_frion", "region_rmsynth",
                                            "region_rmclean", "region_catalogue", "survey_catalogue", "validation"])
        // The per-field products: a second per-island product of the region collides only
        // once the region's islands are known, at build time (not when the file loads).
        let all = blocks.filter { !$0.name.hasPrefix("region") }
        var random = SplitMix64(seed: Self.seed)
        var outcomes = (refused: 0, failed: 0, built: 0)
        for n in 0..<Self.cases {
            // One or two second products.
            var extra = ""
            var names: [String] = []
            var described: [String] = []
            for k in 0..<(Double.random(in: 0..<1, using: &random) < 0.25 ? 2 : 1) {
                let original = all.randomElement(using: &random)!
                let (text, edits) = Self.mutate(original, all: all, n: n * 10 + k, random: &random)
                extra += "\n" + text + "\n"
                names.append("\(original.name)_dup\(n * 10 + k)")
                described.append("\(original.name): \(edits.joined(separator: ", "))")
            }
            let what = "case \(n) (\(described.joined(separator: "; ")))"
            let dir = try project("case\(n)", root + extra)
            let plan = try arrakis(["build", "--dry-run"] + ["survey_catalogue", "validation"] + names, in: dir, environment: environment)
            if plan.status != 0 {
                // Refused before anything ran, at a place in the Arrakisfile.
                XCTAssertEqual(plan.status, 2, "\(what): \(plan.stderr)")
                XCTAssertNotNil(plan.stderr.range(of: #"^Arrakisfile:[0-9]+:[0-9]+: error: "#, options: .regularExpression),
                                "\(what): \(plan.stderr)")
                XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/work"), "\(what): something ran")
                outcomes.refused += 1
                if ProcessInfo.processInfo.environment["ARRAKIS_FUZZ_VERBOSE"] != nil {
                    print("\(what) -> refused: \(plan.stderr.split(separator: "\n").first ?? "")")
                }
                try? FileManager.default.removeItem(atPath: dir)
                continue
            }
            let build = try arrakis(["build", "-k", "-j", "2", "--progress", "quiet"] + ["survey_catalogue", "validation"] + names,
                                    in: dir, environment: environment)
            guard build.status == 0 else {
                outcomes.failed += 1
                if ProcessInfo.processInfo.environment["ARRAKIS_FUZZ_VERBOSE"] != nil {
                    print("\(what) -> failed: \(build.stderr.split(separator: "\n").suffix(3).joined(separator: " | "))")
                }
                try? FileManager.default.removeItem(atPath: dir)
                continue
            }
            outcomes.built += 1
            if ProcessInfo.processInfo.environment["ARRAKIS_FUZZ_VERBOSE"] != nil { print("\(what) -> built") }
            let files = try fileContents(under: dir, skip: skip)
            for (path, bytes) in cleanFiles where files[path] != bytes {
                XCTFail("\(what): \(path) \(files[path] == nil ? "is missing" : "differs from a clean build's") though the build succeeded")
            }
            let docs = try documents(dir)
            for (key, expected) in cleanDocuments {
                // Fields a second product added under its own name are its own.
                let got = docs[key].map { d in Document(d.fields.filter { f in expected.keys.contains(f.key) }) }
                if got != expected { XCTFail("\(what): \(key) differs from a clean build's: \(got?.description.prefix(300) ?? "missing")") }
            }
            let again = try arrakis(["build", "--dry-run", "--json", "survey_catalogue", "validation"] + names, in: dir, environment: environment)
            XCTAssertTrue(again.stdout.hasPrefix("{\"count\":0,"), "\(what): out of date right after its build: \(again.stdout)")
            try? FileManager.default.removeItem(atPath: dir)
        }
        // Both sides were exercised.
        XCTAssertGreaterThanOrEqual(outcomes.refused, 8, "\(outcomes)")
        XCTAssertGreaterThanOrEqual(outcomes.built, 6, "\(outcomes)")
        print("second-product fuzz: \(outcomes.refused) refused, \(outcomes.failed) failed, \(outcomes.built) built")
    }
}
