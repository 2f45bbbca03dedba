import Foundation
import XCTest

/// `arrakis rmsynth` reads the files RM-Tools 1.5.0's rmsynth1d reads, with its meanings: the
/// 7-column file, the 5-column file without Stokes I, and "ignore Stokes I" (`-i`); it refuses
/// what rmsynth1d refuses, with an error naming the file and line.
///
/// The spectrum is RM-Tools' own QA spectrum and the expected values are RM-Tools' reference
/// values for it, plus what RM-Tools 1.5.0 itself writes for the same files
/// (Support/rmtools-qa/README.md says where each comes from; Support/make_rmtools_qa_outputs.py
/// made the spectrum and ran RM-Tools 1.5.0 on it).
final class RMToolsFileConventionTests: XCTestCase {
    static let data = repositoryRoot + "/Tests/CLITests/Support/rmtools-qa"

    /// RM-Tools' QA run: `rmsynth1d -l 600 -d 3 -i` (its default polynomial order 2) and
    /// `rmclean1d -n 11` (its default cutoff -3).
    static let qaOptions = ["--phi-max", "600", "--dphi", "3", "--poly-order", "2", "--clean", "--cutoff", "-3", "--max-iter", "11"]

    /// Keys whose values in RM-Tools' reference files are not RM-Tools 1.5.0's (the README
    /// says why): these are compared with RM-Tools 1.5.0's own output instead.
    static let notFrom150: Set<String> = ["dFDFcorMAD", "polyCoefferr", "dPhiObserved_rm2", "dAmpObserved",
                                          "dPolAngleFitObserved_deg", "dPolAngleFit0Observed_deg"]

    // MARK: - Acceptance: RM-Tools' test spectrum, 5-column form, against RM-Tools' reference values

    func testFiveColumnQASpectrumGivesRMToolsReferenceValues() throws {
        let dir = try scratchDirectory(self)
        try write(Self.columns([0, 2, 3, 5, 6]), to: dir + "/simsource.dat")
        let r = try arrakis(["rmsynth", "simsource.dat", "--json"] + Self.qaOptions, in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        var ours = try Self.object(r.stdout)
        let oursClean = try XCTUnwrap(ours.removeValue(forKey: "rmclean") as? [String: Any])
        let recorded = try Self.recordedCase("qa_five_column")

        for (label, mine, reference, rmtools) in [
            ("rmsynth1d", ours, try Self.json(Self.data + "/RMsynth1D_referencevalues.json"), recorded.synth),
            ("rmclean1d", oursClean, try Self.json(Self.data + "/RMclean1D_referencevalues.json"), recorded.clean),
        ] {
            var worst = (key: "", difference: 0.0)
            // RM-Tools' test goes through the keys its run wrote: so do we, and we write the same ones.
            XCTAssertEqual(Set(mine.keys), Set(rmtools.keys), label)
            for key in rmtools.keys.sorted() {
                let mineValue = try XCTUnwrap(mine[key], "\(label): no \(key)")
                let expected: Any
                if Self.notFrom150.contains(key) || reference[key] == nil {
                    expected = try XCTUnwrap(rmtools[key])      // sigmaAddC & co.: not in the reference file
                } else {
                    expected = reference[key]!
                }
                let d = try Self.difference(mineValue, expected, key: key)
                XCTAssertLessThan(d, 1e-3, "\(label) \(key): \(mineValue) against \(expected)")
                if d > worst.difference { worst = (key, d) }
            }
            print("\(label), 5-column QA spectrum: worst relative difference \(worst.difference) (\(worst.key))")
        }
        // The one key of the reference file that RM-Tools 1.5.0 does not write.
        XCTAssertNil(recorded.synth["poly_reffreq"])
    }

    // MARK: - Ignore Stokes I, against RM-Tools 1.5.0's -i

    func testIgnoreStokesIMatchesRMToolsAndTheFiveColumnFile() throws {
        let dir = try scratchDirectory(self)
        try write(Self.columns(Array(0..<7)), to: dir + "/seven.dat")
        try write(Self.columns([0, 2, 3, 5, 6]), to: dir + "/five.dat")
        for (name, options) in [("qa", Self.qaOptions), ("pipeline", ["--clean"])] {
            let ignored = try arrakis(["rmsynth", "seven.dat", "--json", "--ignore-stokes-i"] + options, in: dir)
            XCTAssertEqual(ignored.status, 0, ignored.stderr)
            try assertAgrees(ignored.stdout, with: try Self.recordedCase("\(name)_ignore_i"), "\(name), -i")
            // A file without Stokes I and a file whose Stokes I is ignored give the same bytes.
            let five = try arrakis(["rmsynth", "five.dat", "--json"] + options, in: dir)
            XCTAssertEqual(five.status, 0, five.stderr)
            XCTAssertEqual(five.stdout, ignored.stdout, name)
            try assertAgrees(five.stdout, with: try Self.recordedCase("\(name)_five_column"), "\(name), 5 columns")
        }
        // Without the flag Stokes I is fitted and divided out: a different answer, RM-Tools' too.
        let withI = try arrakis(["rmsynth", "seven.dat", "--json", "--clean"], in: dir)
        XCTAssertEqual(withI.status, 0, withI.stderr)
        try assertAgrees(withI.stdout, with: try Self.recordedCase("pipeline_with_i"), "pipeline, with I", stokesIFitted: true)
        XCTAssertNotEqual(try Self.object(withI.stdout)["Ifreq0"] as? Double, 1)

        // The summary says what happened to Stokes I; a 7-column summary is as before.
        let summary = try arrakis(["rmsynth", "seven.dat", "--ignore-stokes-i"], in: dir).stdout
        XCTAssertTrue(summary.contains("Stokes I             = ignored (--ignore-stokes-i): taken as 1, dI 0\n"), summary)
        XCTAssertTrue(try arrakis(["rmsynth", "five.dat"], in: dir).stdout.contains("= not in the file (5 columns): taken as 1, dI 0\n"))
        XCTAssertFalse(try arrakis(["rmsynth", "seven.dat"], in: dir).stdout.contains("Stokes I             ="))
    }

    /// Every key agrees with RM-Tools 1.5.0's output for the same file within RM-Tools' own
    /// tolerance (``difference(_:_:key:stokesIFitted:)`` below 1e-3).
    func assertAgrees(_ stdout: String, with recorded: (synth: [String: Any], clean: [String: Any]), _ label: String,
                      stokesIFitted: Bool = false, file: StaticString = #filePath, line: UInt = #line) throws {
        var ours = try Self.object(stdout)
        let clean = try XCTUnwrap(ours.removeValue(forKey: "rmclean") as? [String: Any])
        var worst = (key: "", difference: 0.0)
        for (mine, theirs) in [(ours, recorded.synth), (clean, recorded.clean)] {
            XCTAssertEqual(Set(mine.keys), Set(theirs.keys), label, file: file, line: line)
            for (key, expected) in theirs {
                let value = try XCTUnwrap(mine[key], "\(label): no \(key)", file: file, line: line)
                let d = try Self.difference(value, expected, key: key, stokesIFitted: stokesIFitted)
                XCTAssertLessThan(d, 1e-3, "\(label) \(key): \(value) against RM-Tools' \(expected)", file: file, line: line)
                if d > worst.difference { worst = (key, d) }
            }
        }
        print("\(label): worst relative difference from RM-Tools 1.5.0 \(worst.difference) (\(worst.key))")
    }

    // MARK: - What rmsynth1d refuses

    func testRefusedLayoutsAndBadCellsNameTheFileAndLine() throws {
        let dir = try scratchDirectory(self)
        let recorded = try XCTUnwrap(try Self.json(Self.data + "/rmtools-1.5.0-outputs.json")["refused"] as? [String: Any])
        for (name, columns) in [("three_column", [0, 2, 3]), ("six_column", [0, 2, 3, 5, 6, 6])] {
            // RM-Tools 1.5.0 stops without a word (unless -v), writes nothing and exits 0.
            let theirs = try XCTUnwrap(recorded[name] as? [String: Any])
            XCTAssertEqual(theirs["exit_status"] as? Int, 0)
            XCTAssertEqual((theirs["files_written"] as? [Any])?.count, 0)
            XCTAssertTrue((theirs["stdout"] as? String)?.contains("[freq_Hz, q, u,  dq, du] ...failed.") == true)
            // We refuse it too, and say so.
            try write("# \(name)\n" + Self.columns(columns), to: dir + "/\(name).dat")
            let r = try arrakis(["rmsynth", "\(name).dat", "--out-prefix", "out/\(name)"], in: dir)
            XCTAssertEqual(r.status, 2)
            XCTAssertEqual(r.stdout, "")
            XCTAssertTrue(r.stderr.hasPrefix("arrakis: error: \(name).dat:2: expected 7 columns (freq I Q U dI dQ dU) or 5 (freq Q U dQ dU), found \(columns.count)"), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/out"))
        }
        let three = try arrakis(["rmsynth", "three_column.dat"], in: dir).stderr
        XCTAssertTrue(three.contains("RM-Tools' rmsynth1d does not read a file without dQ and dU either; add them (freq Q U dQ dU)"), three)

        // A line with another column count than the first channel line.
        var lines = try Self.columns([0, 2, 3, 5, 6]).split(separator: "\n").map(String.init)
        lines[3] = String(try Self.columns(Array(0..<7)).split(separator: "\n")[3])
        try write("# freq Q U dQ dU\n\n" + lines.joined(separator: "\n") + "\n", to: dir + "/mixed.dat")
        let mixed = try arrakis(["rmsynth", "mixed.dat", "--json"], in: dir)
        XCTAssertEqual(mixed.status, 2)
        XCTAssertEqual(mixed.stderr, "arrakis: error: mixed.dat:6: expected 5 columns (freq Q U dQ dU) as on line 3, found 7\n")

        // A cell that is not a number.
        lines = try Self.columns([0, 2, 3, 5, 6]).split(separator: "\n").map(String.init)
        var cells = lines[9].split(separator: " ").map(String.init)
        cells[2] = "0.3x"
        lines[9] = cells.joined(separator: "   ")
        try write(lines.joined(separator: "\n") + "\n", to: dir + "/cell.dat")
        let cell = try arrakis(["rmsynth", "cell.dat"], in: dir)
        XCTAssertEqual(cell.status, 2)
        XCTAssertEqual(cell.stderr, "arrakis: error: cell.dat:10: column 3 is not a number: '0.3x'\n")

        // In a batch the same errors are that spectrum's "error", and the others go on.
        try write(Self.columns([0, 2, 3, 5, 6]), to: dir + "/batch/a.dat")
        try write(try read(dir + "/three_column.dat"), to: dir + "/batch/b.dat")
        try write(try read(dir + "/cell.dat"), to: dir + "/batch/c.dat")
        let batch = try arrakis(["rmsynth", "--batch", "batch", "-j", "1"], in: dir)
        XCTAssertEqual(batch.status, 1)
        let objects = try batch.stdout.split(separator: "\n").map { try Self.object(String($0)) }
        XCTAssertEqual(objects.count, 3)
        XCTAssertNotNil(objects[0]["phiPeakPIfit_rm2"])
        XCTAssertTrue((objects[1]["error"] as? String)?.hasSuffix("b.dat:2: expected 7 columns (freq I Q U dI dQ dU) or 5 (freq Q U dQ dU), found 3" +
            ": RM-Tools' rmsynth1d does not read a file without dQ and dU either; add them (freq Q U dQ dU): the same value in every" +
            " channel weights the channels equally, and the noise figures scale with it") == true, "\(objects[1])")
        XCTAssertTrue((objects[2]["error"] as? String)?.hasSuffix("c.dat:10: column 3 is not a number: '0.3x'") == true, "\(objects[2])")
    }

    // MARK: - --help names the RM-Tools flags

    func testHelpNamesTheRMToolsFlagOfEveryOption() throws {
        let r = try arrakis(["rmsynth", "--help"], in: try scratchDirectory(self))
        XCTAssertEqual(r.status, 0, r.stderr)
        // Each entry of ARGUMENTS and OPTIONS starts two spaces in; its help runs on below it.
        var entries: [String: String] = [:]
        var current: String? = nil
        for line in r.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  ") && !line.hasPrefix("   ") {
                let words = line.split(separator: " ")
                let name = words.first { $0.hasPrefix("--") || $0.hasPrefix("<") }.map { String($0.trimmingCharacters(in: [","])) }
                current = name
                if let name { entries[name] = String(line) }
            } else if line.hasPrefix("   "), let name = current {
                entries[name, default: ""] += " " + line.trimmingCharacters(in: .whitespaces)
            } else {
                current = nil
            }
        }
        for (option, flag) in [("<spectrum>", "rmsynth1d dataFile"), ("--clean", "rmclean1d"), ("--json", "rmsynth1d -S"),
                               ("--ignore-stokes-i", "(rmsynth1d -i)"), ("--cutoff", "(rmclean1d -c)"), ("--gain", "(rmclean1d -g)"),
                               ("--max-iter", "(rmclean1d -n)"), ("--window", "(rmclean1d -w)"), ("--samples", "(rmsynth1d -s)"),
                               ("--poly-order", "(rmsynth1d -o)"), ("--fit-function", "(rmsynth1d -f)"), ("--weight", "(rmsynth1d -w)"),
                               ("--phi-max", "(rmsynth1d -l)"), ("--dphi", "(rmsynth1d -d)"),
                               ("--allow-negative-model", "as rmsynth1d always does"), ("--out-prefix", "rmsynth1d -S and rmclean1d -S"),
                               ("--batch", "(no rmsynth1d flag)")] {
            let entry = entries[option] ?? ""
            XCTAssertTrue(entry.contains(flag), "\(option): '\(entry)'")
        }
        // How to get RM-Tools' defaults.
        let help = r.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(help.contains("rmsynth1d's are --poly-order 2 --samples 10 --allow-negative-model"), help)
        XCTAssertTrue(help.contains("rmclean1d's --cutoff -3 --max-iter 1000"), help)
    }

    // MARK: - Support

    /// The QA spectrum's lines with only `columns` (0-based, in this order), cells verbatim.
    static func columns(_ columns: [Int]) throws -> String {
        try read(data + "/RMsynth1D_testdata.dat").split(separator: "\n").map { line in
            let cells = line.split(separator: " ")
            return columns.map { String(cells[$0]) }.joined(separator: " ")
        }.joined(separator: "\n") + "\n"
    }

    static func json(_ path: String) throws -> [String: Any] {
        try object(try read(path))
    }

    static func object(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    /// RM-Tools 1.5.0's rmsynth and rmclean dictionaries for one case of rmtools-1.5.0-outputs.json.
    static func recordedCase(_ name: String) throws -> (synth: [String: Any], clean: [String: Any]) {
        let cases = try XCTUnwrap(try json(data + "/rmtools-1.5.0-outputs.json")["cases"] as? [String: Any])
        let c = try XCTUnwrap(cases[name] as? [String: Any], name)
        return (try XCTUnwrap(c["rmsynth"] as? [String: Any]), try XCTUnwrap(c["rmclean"] as? [String: Any]))
    }

    /// RM-Tools' comparison: strings and zeros must be equal (difference 0 or infinity),
    /// numbers are compared by relative difference. Beyond that:
    /// - `polyCoeffs` and `polyCoefferr` are comma-separated float32 values: compared value by
    ///   value (the worst relative difference). When Stokes I was fitted, the last error is
    ///   left out: it is the one the pipeline deliberately reports with the ln(10)^2 term
    ///   RM-Tools drops (README, "RM synthesis").
    /// - `mom2CCFDF` of components that all sit at one Faraday depth is 0, which RM-Tools'
    ///   float32 arithmetic gives as one float32 step of that depth (2^-16 at 200 rad/m^2):
    ///   differences below the float32 step at 600 rad/m^2 (the largest depth sampled here) count
    ///   as none.
    static func difference(_ a: Any, _ b: Any, key: String, stokesIFitted: Bool = false) throws -> Double {
        if key == "polyCoeffs" || key == "polyCoefferr", let x = a as? String, let y = b as? String {
            var xs = x.split(separator: ",").compactMap { Double($0) }, ys = y.split(separator: ",").compactMap { Double($0) }
            guard xs.count == 6, ys.count == 6 else { return .infinity }
            if key == "polyCoefferr" && stokesIFitted { xs.removeLast(); ys.removeLast() }
            return zip(xs, ys).map { $1 == 0 ? ($0 == 0 ? 0 : .infinity) : abs(($0 - $1) / $1) }.max()!
        }
        if let x = a as? String, let y = b as? String { return x == y ? 0 : .infinity }
        guard let x = (a as? NSNumber)?.doubleValue, let y = (b as? NSNumber)?.doubleValue else { return .infinity }
        if key == "mom2CCFDF" && abs(x - y) <= Double(Float(600).ulp) { return 0 }
        if y == 0 { return x == 0 ? 0 : .infinity }
        return abs((x - y) / y)
    }
}
