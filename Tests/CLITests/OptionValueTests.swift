import Foundation
import XCTest

/// The options that take one of a fixed set of words are parsed by ArgumentParser: `--help`
/// lists the words and the default, and a wrong word is a usage error (exit status 64) that
/// names the option and every word it takes.
final class OptionValueTests: XCTestCase {
    /// `arrakis COMMAND REQUIRED OPTION bogus` fails so; `arrakis COMMAND --help` lists `values`.
    private func check(_ command: [String], _ option: String, values: [String], default defaultValue: String,
                       required: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = try scratchDirectory(self)
        let bad = try arrakis(command + required + [option, "bogus"], in: dir)
        XCTAssertEqual(bad.status, 64, "a usage error: \(bad.stderr)", file: file, line: line)
        XCTAssertTrue(bad.stderr.contains("The value 'bogus' is invalid for '\(option) <\(option.dropFirst(2))>'"), bad.stderr,
                      file: file, line: line)
        let quoted = values.map { "'\($0)'" }
        let list = quoted.count == 2 ? quoted.joined(separator: " and ") : quoted.dropLast().joined(separator: ", ") + " or " + quoted.last!
        XCTAssertTrue(bad.stderr.contains("Please provide one of \(list)."), bad.stderr, file: file, line: line)

        let help = try arrakis(command + ["--help"], in: dir)
        XCTAssertEqual(help.status, 0, help.stderr, file: file, line: line)
        let text = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(text.contains("\(option) <\(option.dropFirst(2))>"), text, file: file, line: line)
        XCTAssertTrue(text.contains("(values: \(values.joined(separator: ", ")); default: \(defaultValue))"), text, file: file, line: line)
    }

    func testBuildProgress() throws {
        try check(["build"], "--progress", values: ["auto", "live", "plain", "quiet"], default: "auto")
    }

    func testBuildExecutor() throws {
        try check(["build"], "--executor", values: ["local", "slurm"], default: "local")
    }

    func testGraphFormat() throws {
        try check(["graph"], "--format", values: ["text", "dot", "mermaid", "json"], default: "text")
    }

    func testRMSynthFitFunction() throws {
        try check(["rmsynth"], "--fit-function", values: ["log", "linear"], default: "log", required: ["s.dat"])
    }

    func testRMSynthWeight() throws {
        try check(["rmsynth"], "--weight", values: ["variance", "uniform"], default: "variance", required: ["s.dat"])
    }

    static let frionRequired = ["--ra", "0", "--dec=-30", "--start", "2020-01-08T02:00:00", "--ionex", "ionex"]

    func testFrionInterpolation() throws {
        try check(["frion"], "--interpolation", values: ["linear", "rotated"], default: "linear", required: Self.frionRequired)
    }

    func testFrionElevationModel() throws {
        try check(["frion"], "--elevation-model", values: ["rigorous", "pyephem"], default: "rigorous", required: Self.frionRequired)
    }

    func testSimulateFootprint() throws {
        try check(["simulate"], "--footprint", values: ["strip", "sky"], default: "strip", required: ["survey"])
    }
}
