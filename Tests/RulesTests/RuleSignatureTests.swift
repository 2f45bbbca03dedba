import XCTest
import Graph
@testable import Rules

/// Every built-in rule's declared signature is enforced when an Arrakisfile loads. The cases
/// are made from the declarations (`PipelineRules.catalog`), so a new rule, param or input
/// gets them without anyone writing a test for it.
final class RuleSignatureTests: XCTestCase {
    /// A product that uses `signature` correctly: its loop variables, every required param
    /// with a value of its type, every required input, output and manifest. Each statement
    /// is on a line of its own; `lines` says where.
    struct Sample {
        var lines: [String]
        var text: String { lines.joined(separator: "\n") + "\n" }
        /// 1-based line number of the first line starting with `prefix` (after indentation).
        func line(_ prefix: String) -> Int {
            (lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix(prefix) } ?? -1) + 1
        }
        func column(_ needle: String, onLine n: Int) -> Int {
            let line = lines[n - 1]
            return line.distance(from: line.startIndex, to: line.range(of: needle)!.lowerBound) + 1
        }
    }

    static func sample(_ s: RuleSignature, params: [ParamSpec]? = nil, inputs: [InputSpec]? = nil) -> Sample {
        var lines = ["product p {"]
        let variables = s.loopVariables.map(\.name)
        if !variables.isEmpty {
            let values = s.loopVariables.map { $0.integer ? "0" : "\"A\"" }
            lines.append(variables.count == 1
                         ? "    for \(variables[0]) in [\(values[0])]"
                         : "    for (\(variables.joined(separator: ", "))) in [[\(values.joined(separator: ", "))]]")
        }
        for p in params ?? s.params.filter(\.required) { lines.append("    param \(p.name) = \(validValue(p.type))") }
        for i in inputs ?? s.inputs.filter(\.required) { lines.append("    input \(i.name) = \"in/\(i.name).tsv\"") }
        for o in s.outputs where o.required { lines.append("    output \(o.name) = \"out/\(o.name)\"") }
        if s.manifest { lines.append("    manifest \"out/p.tsv\"") }
        lines.append("    rule \(s.kind)")
        lines.append("}")
        return Sample(lines: lines)
    }

    /// A value the type accepts, as Arrakisfile text.
    static func validValue(_ type: ParamType) -> String {
        switch type {
        case .integer(let lo, let hi): return "\(max(lo ?? 0, min(hi ?? 1, 1)))"
        case .number(let b):
            var x = b.above.map { $0 + 1 } ?? b.atLeast ?? 1
            if let hi = b.below, x >= hi { x = ((b.above ?? b.atLeast ?? 0) + hi) / 2 }
            if let hi = b.atMost, x > hi { x = hi }
            if b.nonZero, x == 0 { x = 1 }
            return Value.float(x).description.contains(".") ? "\(x)" : "\(x)"
        case .boolean: return "true"
        case .choice(let words): return "\"\(words[0])\""
        case .path: return "\"work/x\""
        case .database: return "\"sqlite:work/pipeline.db\""
        case .racsDatabase: return "\"survey\""
        case .fieldName: return "\"rm_outputs_1d\""
        case .text: return "\"codg\""
        case .stokes: return "\"IQUV\""
        }
    }

    /// A value of the wrong type, as Arrakisfile text.
    static func wrongValue(_ type: ParamType) -> String {
        switch type {
        case .integer, .number, .boolean: return "\"five\""
        case .choice: return "\"no-such-choice\""
        case .path, .racsDatabase, .fieldName, .text: return "5"
        case .database: return "\"postgres-is-not-a-pipeline-database\""
        case .stokes: return "\"IQV\""
        }
    }

    var catalog: RuleCatalog { PipelineRules.catalog }

    func testEveryRuleKindHasASignatureAndItsMinimalUseLoads() throws {
        XCTAssertEqual(catalog.kinds, PipelineRules.kinds.keys.sorted(), "every runner has a signature and every signature a runner")
        for kind in catalog.kinds {
            let sample = Self.sample(catalog[kind]!)
            XCTAssertNoThrow(try parse(sample.text), "\(kind):\n\(sample.text)")
        }
    }

    func testUnknownParamIsRefusedAtItsName() throws {
        for kind in catalog.kinds {
            var sample = Self.sample(catalog[kind]!)
            sample.lines.insert("    param totally_bogus = 1", at: 1)
            assertDiagnostic(sample.text, line: 2, column: 11, "unknown param 'totally_bogus' for rule '\(kind)'")
            // A near miss of a real param is named.
            if let real = catalog[kind]!.params.first(where: { $0.name.count > 4 }) {
                var typo = Self.sample(catalog[kind]!, params: catalog[kind]!.params.filter { $0.required && $0.name != real.name })
                let misspelt = String(real.name.dropLast()) + (real.name.hasSuffix("x") ? "q" : "x")
                typo.lines.insert("    param \(misspelt) = \(Self.validValue(real.type))", at: 1)
                assertDiagnostic(typo.text, line: 2, column: 11, "(did you mean '\(real.name)'?)")
            }
        }
    }

    func testWronglyTypedParamIsRefusedAtItsValue() throws {
        for kind in catalog.kinds {
            let signature = catalog[kind]!
            for param in signature.params {
                let others = signature.params.filter { $0.required && $0.name != param.name }
                var sample = Self.sample(signature, params: others)
                let wrong = Self.wrongValue(param.type)
                sample.lines.insert("    param \(param.name) = \(wrong)", at: 1)
                let column = sample.column(wrong, onLine: 2)
                assertDiagnostic(sample.text, line: 2, column: column,
                                 "param '\(param.name)' of rule '\(kind)' must be \(param.type.description)")
            }
        }
    }

    func testParamOutOfRangeIsRefused() {
        assertDiagnostic(Self.sample(catalog["rmsynth"]!).text.replacingOccurrences(of: "    rule rmsynth", with: "    param phi_max = -500\n    rule rmsynth"),
                         line: 5, column: 21, "must be a number > 0, found -500")
        assertDiagnostic(Self.sample(catalog["rmclean"]!).text.replacingOccurrences(of: "    rule rmclean", with: "    param gain = 1.5\n    rule rmclean"),
                         line: 5, column: 18, "must be a number > 0 and <= 1, found 1.5")
    }

    /// `stokes` (cutouts, mosaics, spectra) says what is wrong with a value, at the param.
    func testStokesParamIsValidatedWithAReason() throws {
        for kind in ["cutouts", "mosaics", "spectra"] {
            XCTAssertNotNil(catalog[kind]!.param("stokes"), kind)
            for good in ["IQU", "IQUV", "iquv", "VUQI"] {
                let sample = Self.sample(catalog[kind]!).text.replacingOccurrences(of: "    rule \(kind)", with: "    param stokes = \"\(good)\"\n    rule \(kind)")
                XCTAssertNoThrow(try parse(sample), "\(kind) \(good)")
            }
            for (bad, why) in [("IQ", "RM synthesis needs I, Q and U (U missing)"), ("IQUX", "'X' is not a Stokes parameter"),
                               ("IQUVV", "V is named twice")] {
                let sample = Self.sample(catalog[kind]!)
                let text = sample.text.replacingOccurrences(of: "    rule \(kind)", with: "    param stokes = \"\(bad)\"\n    rule \(kind)")
                let line = sample.line("rule")
                assertDiagnostic(text, line: line, column: 20,
                                 "param 'stokes' of rule '\(kind)' must be Stokes parameters (\"IQU\" or \"IQUV\"), found \"\(bad)\": \(why)")
            }
        }
        XCTAssertEqual(ParamType.stokesParameters("VuQi"), ["i", "q", "u", "v"])
        XCTAssertEqual(ParamType.stokesParameters("IQU"), ["i", "q", "u"])
        XCTAssertNil(ParamType.stokesParameters("QU"))
    }

    func testMissingRequiredInputIsRefusedAtTheRule() throws {
        var checked = 0
        for kind in catalog.kinds {
            let signature = catalog[kind]!
            for missing in signature.inputs where missing.required {
                let sample = Self.sample(signature, inputs: signature.inputs.filter { $0.required && $0.name != missing.name })
                let line = sample.line("rule ")
                assertDiagnostic(sample.text, line: line, column: 10, "rule '\(kind)' needs input '\(missing.name)'")
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, catalog.kinds.count, "every rule reads at least one input")
    }

    func testMissingRequiredParamOutputAndManifestAreRefusedAtTheRule() throws {
        for kind in catalog.kinds {
            let signature = catalog[kind]!
            for missing in signature.params where missing.required {
                let sample = Self.sample(signature, params: signature.params.filter { $0.required && $0.name != missing.name })
                assertDiagnostic(sample.text, line: sample.line("rule "), column: 10, "rule '\(kind)' needs param '\(missing.name)'")
            }
            for missing in signature.outputs where missing.required {
                var sample = Self.sample(signature)
                sample.lines.removeAll { $0.hasPrefix("    output \(missing.name) =") }
                assertDiagnostic(sample.text, line: sample.line("rule "), column: 10, "rule '\(kind)' needs output '\(missing.name)'")
            }
            var sample = Self.sample(signature)
            if signature.manifest {
                sample.lines.removeAll { $0.hasPrefix("    manifest") }
                assertDiagnostic(sample.text, line: sample.line("rule "), column: 10, "rule '\(kind)' writes a manifest")
            } else {
                sample.lines.insert("    manifest \"out/extra.tsv\"", at: 1)
                assertDiagnostic(sample.text, line: 2, column: 14, "rule '\(kind)' writes no manifest")
            }
        }
    }

    func testUnknownInputAndOutputAreRefusedAtTheirNames() throws {
        for kind in catalog.kinds {
            var sample = Self.sample(catalog[kind]!)
            sample.lines.insert("    input bogus_input = \"x.txt\"", at: 1)
            assertDiagnostic(sample.text, line: 2, column: 11, "unknown input 'bogus_input' for rule '\(kind)'")
            var unnamed = Self.sample(catalog[kind]!)
            unnamed.lines.insert("    input \"x.txt\"", at: 1)
            assertDiagnostic(unnamed.text, line: 2, column: 11, "rule '\(kind)' takes named inputs")
            var output = Self.sample(catalog[kind]!)
            output.lines.insert("    output bogus_output = \"x.txt\"", at: 1)
            assertDiagnostic(output.text, line: 2, column: 12, "unknown output 'bogus_output' for rule '\(kind)'")
        }
    }

    func testMissingLoopVariablesAreRefused() throws {
        for kind in catalog.kinds where !catalog[kind]!.loopVariables.isEmpty {
            var sample = Self.sample(catalog[kind]!)
            sample.lines.remove(at: 1)
            assertDiagnostic(sample.text, line: sample.line("rule "), column: 10, "rule '\(kind)' runs once per")
        }
    }

    /// An input given another rule's product (swapped inputs) is refused; a shell product
    /// is trusted to write what the rule reads.
    func testInputFromTheWrongKindOfProductIsRefused() throws {
        let source = """
            product spectra_of_a_field {
                for (epoch, field) in [[0, "A"]]
                input table = "t.json"
                input mosaics = "m.tsv"
                param cutouts = "c"
                manifest "s.tsv"
                rule spectra
            }
            product mosaics_of_a_field {
                for (epoch, field) in [[0, "A"]]
                input table = "t.json"
                input cutouts = "c.tsv"
                param cutouts = "c"
                manifest "mos.tsv"
                rule mosaics
            }
            product synthesis {
                for (epoch, field) in [[0, "A"]]
                input spectra = mosaics_of_a_field[epoch, field]
                manifest "r.tsv"
                rule rmsynth
            }
            """
        assertDiagnostic(source, line: 19, column: 21, "input 'spectra' of rule 'rmsynth' reads what a product of rule 'spectra' or 'frion' writes, but 'mosaics_of_a_field' uses rule 'mosaics'")
        XCTAssertNoThrow(try parse(source.replacingOccurrences(of: "mosaics_of_a_field[epoch, field]", with: "spectra_of_a_field[epoch, field]")))
    }

    /// Inputs that are files the rule reads directly (a table, cubes) refuse a product.
    func testPathsOnlyInputRefusesAProduct() throws {
        var checked = 0
        for kind in catalog.kinds {
            let signature = catalog[kind]!
            for input in signature.inputs where input.pathsOnly {
                let others = signature.inputs.filter { $0.required && $0.name != input.name }
                var sample = Self.sample(signature, inputs: others)
                sample.lines.insert("    input \(input.name) = other", at: 1)
                sample.lines.append("product other { output \"o.txt\"; shell \"true > {output}\" }")
                assertDiagnostic(sample.text, line: 2, column: 14 + input.name.count,
                                 "input '\(input.name)' of rule '\(kind)' is \(input.count == .one ? "a file path" : "file paths")")
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 6)
    }

    func testRetiredParamSaysWhereItWent() {
        var sample = Self.sample(catalog["rmclean"]!)
        sample.lines.insert("    param phi_max = 500", at: 1)
        assertDiagnostic(sample.text, line: 2, column: 11, "rule 'rmclean' takes no param 'phi_max' (rmclean uses its rmsynth input's phi_max; set it on the rmsynth product)")
    }

    /// Values known only when the file is lowered (an environment variable, a loop
    /// variable) are checked then, at the param.
    func testParamFromTheEnvironmentIsCheckedWhenLowered() throws {
        let dir = try temporaryDirectory(self)
        let text = """
            product synthesis {
                for (epoch, field) in [[0, "A"]]
                input spectra = "s.tsv"
                param samples = env("SAMPLES", "5")
                manifest "r.tsv"
                rule rmsynth
            }
            """
        try write(text, to: dir + "/Arrakisfile")
        let good = try Project.load(path: dir + "/Arrakisfile", environment: ["SAMPLES": "7.5"])
        XCTAssertEqual(try good.families[0].expand(in: BuildGraph()).count, 1)
        let bad = try Project.load(path: dir + "/Arrakisfile", environment: ["SAMPLES": "five"])
        guard let d = diagnostic({ try bad.families[0].expand(in: BuildGraph()) }) else { return }
        assertDiagnostic(d, line: 4, column: 21, "param 'samples' of rule 'rmsynth' must be a number > 0, found the string \"five\"",
                         file: dir + "/Arrakisfile", sourceLine: "    param samples = env(\"SAMPLES\", \"5\")")
    }
}
