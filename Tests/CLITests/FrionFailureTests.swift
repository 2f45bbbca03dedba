import Astro
import Foundation
import XCTest

/// Issue 21, acceptance 3: bad IONEX inputs fail the fields that need them with a clear error
/// naming the file, day or URL; with `-k` the other fields build; nothing is half-written. And
/// replacing one day's maps rebuilds exactly the fields observed that day.
///
/// The survey: two fields in epoch 0 (one UTC day) and one in epoch 1 (100 days later).
final class FrionFailureTests: XCTestCase {
    var dir = ""
    static let environment = ["ARRAKIS_SURVEY": "survey", "ARRAKIS_DATABASE": "sqlite:work/pipeline.db"]

    override func setUpWithError() throws {
        dir = try scratchDirectory(self)
        var p = SurveyParameters()
        p.seed = 5
        p.fields = 2
        p.epochs = 2
        p.beams = 1
        p.sources = 8
        p.npix = 48
        p.channels = 12
        p.ionosphere = true
        try SurveySimulator(p).write(to: dir + "/survey")
        try write(try read(repositoryRoot + "/Arrakisfile"), to: dir + "/Arrakisfile")
        let first = try build(["frion"])
        XCTAssertEqual(first.status, 0, first.stderr)
    }

    func build(_ targets: [String], _ extra: [String] = []) throws -> RunResult {
        try arrakis(["build", "-j", "2", "--progress", "plain"] + extra + targets, in: dir, environment: Self.environment)
    }

    /// The IONEX files, by the epoch whose scans need them.
    func ionexFiles() throws -> (epoch0: [String], epoch1: [String]) {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir + "/survey/ionex").sorted()
        XCTAssertGreaterThanOrEqual(names.count, 2)
        // Epoch 1 is 100 days after epoch 0: the later day(s).
        let days = names.map { Int($0.dropFirst(4).prefix(3))! }
        let split = days.min()! + 50
        return (names.filter { Int($0.dropFirst(4).prefix(3))! < split }, names.filter { Int($0.dropFirst(4).prefix(3))! >= split })
    }

    func frionManifests() throws -> [String] {
        try FileManager.default.subpathsOfDirectory(atPath: dir + "/work").filter { $0.hasSuffix(".frion.tsv") }.sorted()
    }

    func testAChangedDayRebuildsExactlyTheFieldsObservedThatDay() throws {
        let (epoch0, _) = try ionexFiles()
        let path = dir + "/survey/ionex/" + epoch0[0]
        // The same maps, one value changed by 0.1 TECU (the last digit of a TEC line).
        var text = try read(path)
        let marker = try XCTUnwrap(text.range(of: "LAT/LON1/LON2/DLON/H\n"))
        let lineEnd = try XCTUnwrap(text.range(of: "\n", range: marker.upperBound..<text.endIndex))
        let before = text.index(before: lineEnd.lowerBound)
        text.replaceSubrange(before...before, with: text[before] == "9" ? "8" : String(Int(String(text[before]))! + 1))
        try write(text, to: path)
        let dry = try build(["frion"], ["--dry-run"])
        XCTAssertEqual(dry.status, 0, dry.stderr)
        let planned = dry.stdout.split(separator: "\n").filter { $0.contains("frion[") }
        XCTAssertEqual(planned.count, 2, "both epoch-0 fields, not epoch 1's:\n\(dry.stdout)")
        XCTAssertTrue(planned.allSatisfy { $0.contains("[0,") && $0.contains(epoch0[0]) }, dry.stdout)
        let r = try build(["frion"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try build(["frion"], ["--dry-run"]).stdout.contains("nothing to do"))
    }

    func testAMissingDayNamesItAndTheOtherEpochBuilds() throws {
        let (epoch0, _) = try ionexFiles()
        try FileManager.default.removeItem(atPath: dir + "/survey/ionex/" + epoch0[0])
        try FileManager.default.removeItem(atPath: dir + "/work")
        let r = try build(["frion"], ["-k"])
        XCTAssertNotEqual(r.status, 0)
        let day = String(epoch0[0].dropFirst(4).prefix(3))
        XCTAssertTrue(r.stderr.contains("day \(day)"), r.stderr)
        XCTAssertTrue(r.stderr.contains("survey/ionex"), r.stderr)
        let made = try frionManifests()
        XCTAssertEqual(made.count, 1, "epoch 1's field built; epoch 0's left nothing: \(made)")
        XCTAssertTrue(made.allSatisfy { $0.hasPrefix("epoch_1/") }, "\(made)")
    }

    func testATruncatedFileIsNamedWithItsLine() throws {
        let (epoch0, _) = try ionexFiles()
        let path = dir + "/survey/ionex/" + epoch0[0]
        let text = try read(path)
        try write(String(text.prefix(text.count / 3)), to: path)
        let r = try build(["frion"], ["-k"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains(epoch0[0]), r.stderr)
        XCTAssertNotNil(r.stderr.range(of: epoch0[0] + ":[0-9]+", options: .regularExpression), "names the line: \(r.stderr)")
    }

    func testACorruptValueIsNamed() throws {
        let (epoch0, _) = try ionexFiles()
        let path = dir + "/survey/ionex/" + epoch0[0]
        var text = try read(path)
        let marker = try XCTUnwrap(text.range(of: "LAT/LON1/LON2/DLON/H\n"))
        text.replaceSubrange(marker.upperBound..<text.index(marker.upperBound, offsetBy: 5), with: "  x!?")
        try write(text, to: path)
        let r = try build(["frion"], ["-k"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains(epoch0[0]), r.stderr)
    }

    func testAScanOutsideTheMapsTimesIsNamed() throws {
        // Keep only the first map of each epoch-0 day: the scans fall after it.
        let (epoch0, _) = try ionexFiles()
        for name in epoch0 {
            let path = dir + "/survey/ionex/" + name
            let lines = try read(path).split(separator: "\n", omittingEmptySubsequences: false)
            let second = try XCTUnwrap(lines.firstIndex {
                $0.trimmingCharacters(in: .whitespaces).hasSuffix("START OF TEC MAP") && $0.prefix(60).trimmingCharacters(in: .whitespaces) == "2"
            })
            let end = String(repeating: " ", count: 60) + "END OF FILE"
            try write((lines[..<second] + [Substring(end), ""]).joined(separator: "\n"), to: path)
        }
        let r = try build(["frion"], ["-k"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains(epoch0[0]), r.stderr)
        XCTAssertEqual(try frionManifests().filter { $0.hasPrefix("epoch_0/") }.count, 2, "the earlier manifests stay as they were")
    }

    func testAnUnreachableDownloadNamesTheDayAndTheURL() throws {
        let (epoch0, _) = try ionexFiles()
        try FileManager.default.removeItem(atPath: dir + "/survey/ionex/" + epoch0[0])
        // A local port where nothing listens: connection refused at once.
        let port = 1
        var text = try read(dir + "/Arrakisfile")
        text = text.replacingOccurrences(of: "    param ionex = \"{survey}/ionex\"\n",
                                         with: "    param ionex = \"{survey}/ionex\"\n    param ionex_url = \"http://127.0.0.1:\(port)/ionex/{{yyyy}}/{{ddd}}/{{PREFIX}}{{ddd}}0.{{yy}}I\"\n    param download_retries = 2\n    param download_timeout = 5\n")
        try write(text, to: dir + "/Arrakisfile")
        let started = Date()
        let r = try build(["frion"], ["-k"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("http://127.0.0.1:\(port)/ionex/"), r.stderr)
        let day = String(epoch0[0].dropFirst(4).prefix(3))
        XCTAssertTrue(r.stderr.contains(day), r.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 60, "a refused connection fails fast")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/survey/ionex/" + epoch0[0]), "nothing half-written")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir + "/survey/ionex").filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], "no temporary download left behind")
    }
}
