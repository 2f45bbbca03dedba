import Foundation
import XCTest
@testable import Astro

/// Reading the real IONEX files, and every kind of damaged file refused by file and line.
final class IonosphereIONEXParserTests: XCTestCase {
    /// The decompressed CODE file for 2020-01-08 as lines (without line breaks).
    private static let codeLines: [String] = {
        let data = try! IONEXFiles.gzipExpanded(IONEXFiles.path(IONEXFiles.codeDay8))
        var lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }()

    private var lines: [String] { Self.codeLines }

    /// 1-based number of the first line containing `text` (after line `after`).
    private func number(of text: String, after: Int = 0) -> Int {
        lines.indices.first { $0 + 1 > after && lines[$0].contains(text) }! + 1
    }

    private func parse(_ lines: [String], path: String = "codg0080.20i") throws -> IONEXMaps {
        try IONEXMaps(text: lines.joined(separator: "\n") + "\n", path: path)
    }

    /// `lines` with line `number` (1-based) replaced by `replacement` (none: removed; several: inserted).
    private func edited(_ number: Int, _ replacement: String...) -> [String] {
        var copy = lines
        copy.replaceSubrange((number - 1)..<number, with: replacement)
        return copy
    }

    // MARK: - Real files

    func testCODEFile() throws {
        let maps = try IONEXMaps.read(path: IONEXFiles.path(IONEXFiles.codeDay8))
        XCTAssertEqual(maps.epochs.count, 25)
        let day = UTCDay(year: 2020, dayOfYear: 8)
        XCTAssertEqual(maps.epochs.first, day.startMJDSeconds)
        XCTAssertEqual(maps.epochs.last, day.next.startMJDSeconds)
        XCTAssertEqual(zip(maps.epochs.dropFirst(), maps.epochs).map { $0 - $1 }, Array(repeating: 3600, count: 24))
        XCTAssertEqual(maps.latitudes.count, 71)
        XCTAssertEqual(maps.latitudes.first, 87.5)
        XCTAssertEqual(maps.latitudes.last, -87.5)
        XCTAssertEqual(maps.longitudes.count, 73)
        XCTAssertEqual(maps.longitudes.first, -180)
        XCTAssertEqual(maps.longitudes.last, 180)
        XCTAssertEqual(maps.shellHeight, 450)
        XCTAssertEqual(maps.span, day.startMJDSeconds...day.next.startMJDSeconds)
        XCTAssertEqual(maps.tec.count, 25)
        XCTAssertTrue(maps.tec.allSatisfy { $0.count == 71 * 73 && !$0.contains(where: \.isNaN) })
        // The first row of the first map, as the file has it: 5 5 6 6 ... (0.1 TECU).
        let firstRow = lines[number(of: "LAT/LON1/LON2/DLON/H")]
        let expected = stride(from: 0, to: 80, by: 5).map { Double(firstRow.dropFirst($0).prefix(5).trimmingCharacters(in: .whitespaces))! * 0.1 }
        for (index, value) in expected.enumerated() {
            XCTAssertEqual(maps.value(map: 0, latitudeIndex: 0, longitudeIndex: index), value, accuracy: 1e-6)
        }
        // The last value of the last map (the line before its END OF TEC MAP).
        let lastEnd = number(of: "    25                                                      END OF TEC MAP")
        let lastValue = Double(lines[lastEnd - 2].split(separator: " ").last!)! * 0.1
        XCTAssertEqual(maps.value(map: 24, latitudeIndex: 70, longitudeIndex: 72), lastValue, accuracy: 1e-6)
    }

    func testIGSFile() throws {
        let maps = try IONEXMaps.read(path: IONEXFiles.path(IONEXFiles.igsDay349))
        let day = UTCDay(year: 2024, dayOfYear: 349)
        XCTAssertEqual(day.description, "2024-12-14 (day 349)")
        XCTAssertEqual(maps.epochs.count, 13)
        XCTAssertEqual(maps.epochs.first, day.startMJDSeconds)
        XCTAssertEqual(maps.epochs.last, day.next.startMJDSeconds)
        XCTAssertEqual(maps.epochs[1] - maps.epochs[0], 7200)
        XCTAssertEqual(maps.latitudes.count, 71)
        XCTAssertEqual(maps.longitudes.count, 73)
        XCTAssertEqual(maps.path, IONEXFiles.path(IONEXFiles.igsDay349))
    }

    func testWindowsLineEndingsReadTheSame() throws {
        let reference = try parse(lines)
        let crlf = try IONEXMaps(text: lines.joined(separator: "\r\n") + "\r\n", path: "crlf")
        XCTAssertEqual(crlf.epochs, reference.epochs)
        XCTAssertTrue(crlf.tec == reference.tec)
    }

    /// Parse time of the 1.67 MB decompressed CODE file (this debug build; bench/ionex.sh
    /// measures the release build).
    func testParseSpeed() throws {
        let text = lines.joined(separator: "\n") + "\n"
        var times: [Double] = []
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try IONEXMaps(text: text, path: "codg0080.20i")
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        let median = times.sorted()[times.count / 2]
        print("IONEX parse (debug build): \(text.utf8.count) bytes in \(String(format: "%.1f", median)) ms (median of 5)")
        XCTAssertLessThan(median, 2000)
    }

    // MARK: - Header

    func testNotIONEX() {
        assertIONEXError(try IONEXMaps(text: "", path: "empty.20i"), "empty.20i", "the file is empty")
        assertIONEXError(try IONEXMaps(text: "<html><body>404 Not Found</body></html>\n", path: "page.html"),
                         line: 1, "page.html:1:", "not an IONEX file", "<html>")
        assertIONEXError(try parse(edited(1, "     2.0            IONOSPHERE MAPS     GNSS                IONEX VERSION / TYPE")),
                         line: 1, "IONEX version '2.0' is not supported")
        assertIONEXError(try parse(edited(1, "     1.0            OBSERVATION DATA    GNSS                IONEX VERSION / TYPE")),
                         line: 1, "file type 'O'")
    }

    func testMissingHeaderRecords() {
        let end = number(of: "END OF HEADER")
        for label in ["LAT1 / LAT2 / DLAT", "LON1 / LON2 / DLON", "HGT1 / HGT2 / DHGT", "EPOCH OF FIRST MAP", "# OF MAPS IN FILE"] {
            assertIONEXError(try parse(edited(number(of: label))), line: end - 1,
                             "codg0080.20i:\(end - 1): the header has no \(label) record")
        }
        assertIONEXError(try parse(edited(end)), line: end, "START OF TEC MAP inside the header: END OF HEADER is missing")
        assertIONEXError(try parse(Array(lines.prefix(200))), line: 200, "no END OF HEADER", "truncated?")
    }

    func testMissingExponentMeansMinusOne() throws {
        let reference = try parse(lines)
        let withoutExponent = try parse(edited(number(of: "EXPONENT")))
        XCTAssertTrue(withoutExponent.tec == reference.tec, "the format's default EXPONENT is -1, as in the file")
        let hundredths = try parse(edited(number(of: "EXPONENT"),
            "    -2                                                      EXPONENT"))
        XCTAssertEqual(hundredths.value(map: 3, latitudeIndex: 20, longitudeIndex: 30),
                       reference.value(map: 3, latitudeIndex: 20, longitudeIndex: 30) / 10, accuracy: 1e-6)
        // An EXPONENT record inside a map applies to the rest of that map only.
        let map2 = number(of: "EPOCH OF CURRENT MAP", after: number(of: "     2                                                      START OF TEC MAP"))
        var copy = lines
        copy.insert("     0                                                      EXPONENT", at: map2)
        let local = try parse(copy)
        XCTAssertEqual(local.value(map: 1, latitudeIndex: 5, longitudeIndex: 6),
                       reference.value(map: 1, latitudeIndex: 5, longitudeIndex: 6) * 10, accuracy: 1e-5)
        XCTAssertTrue(local.tec[0] == reference.tec[0] && local.tec[2] == reference.tec[2])
    }

    func testThreeDimensionalFileIsRefused() {
        let heights = number(of: "HGT1 / HGT2 / DHGT")
        assertIONEXError(try parse(edited(heights, "   250.0 450.0  50.0                                        HGT1 / HGT2 / DHGT")),
                         line: heights, "a 3-D IONEX file", "only single-shell (2-D) maps")
        let dimension = number(of: "MAP DIMENSION")
        assertIONEXError(try parse(edited(dimension, "     3                                                      MAP DIMENSION")),
                         line: dimension, "MAP DIMENSION is 3")
    }

    func testBadGridSteps() {
        let latitude = number(of: "LAT1 / LAT2 / DLAT")
        assertIONEXError(try parse(edited(latitude, "    87.5 -87.5   0.0                                        LAT1 / LAT2 / DLAT")),
                         line: latitude, "the step is 0")
        let longitude = number(of: "LON1 / LON2 / DLON")
        assertIONEXError(try parse(edited(longitude, "  -180.0 180.0   0.0                                        LON1 / LON2 / DLON")),
                         line: longitude, "LON1 / LON2 / DLON is -180.0 180.0 0.0: the step is 0")
        assertIONEXError(try parse(edited(longitude, "  -180.0 180.0   7.0                                        LON1 / LON2 / DLON")),
                         line: longitude, "does not divide")
        assertIONEXError(try parse(edited(latitude, "    87.5 -87.5   2.5                                        LAT1 / LAT2 / DLAT")),
                         line: latitude, "does not divide")
        assertIONEXError(try parse(edited(latitude, "    87.5 -87.5  abc                                         LAT1 / LAT2 / DLAT")),
                         line: latitude, "'abc' is not a number")
    }

    // MARK: - Maps

    func testRowsThatRunShortOrLong() {
        let row = number(of: "LAT/LON1/LON2/DLON/H")  // first row: 5 lines of values follow (16+16+16+16+9)
        // One value line gone: the row has 57 values when the next row record comes.
        assertIONEXError(try parse(edited(row + 2)), line: row + 5,
                         "TEC map 1, latitude 87.5 (row at line \(row)): 57 of 73 values before 'LAT/LON1/LON2/DLON/H'")
        // The row's last line two values short.
        let last = lines[row + 4]
        assertIONEXError(try parse(edited(row + 5, String(last.dropLast(10)))), line: row + 6, "71 of 73 values")
        // One value too many on the last line, and a whole extra line.
        assertIONEXError(try parse(edited(row + 5, last + "    7")), line: row + 5,
                         "TEC map 1, latitude 87.5: more than the 73 values")
        assertIONEXError(try parse(edited(row + 5, last, lines[row + 1])), line: row + 6,
                         "more than the 73 values of the LON1 / LON2 / DLON grid")
        // A blank line inside the values.
        assertIONEXError(try parse(edited(row + 2, "", lines[row + 1])), line: row + 2, "a blank line where the row's values continue")
    }

    func testNonNumericValues() {
        let row = number(of: "LAT/LON1/LON2/DLON/H")
        let values = lines[row]
        assertIONEXError(try parse(edited(row + 1, "   x5" + values.dropFirst(5))), line: row + 1,
                         "value 'x5' in columns 1-5 is not an integer (I5)")
        assertIONEXError(try parse(edited(row + 1, String(values.prefix(20)) + " 1.5" + values.dropFirst(24))),
                         line: row + 1, "columns 21-25")
        // Bytes that are not text are shown printable.
        var bytes = Array((lines.prefix(row).joined(separator: "\n") + "\n").utf8)
        bytes += [0x20, 0x20, 0x20, 0x01, 0xFF] + Array(values.dropFirst(5).utf8) + [0x0A]
        bytes += Array((lines.dropFirst(row + 1).joined(separator: "\n") + "\n").utf8)
        let error = assertIONEXError(try IONEXMaps(text: String(decoding: bytes, as: UTF8.self), path: "binary"),
                                     line: row + 1, "is not an integer")
        XCTAssertTrue(error?.description.contains("\\u{1}") ?? false, error?.description ?? "")
    }

    func testTruncatedMidMap() {
        let row = number(of: "LAT/LON1/LON2/DLON/H", after: 700)
        assertIONEXError(try parse(Array(lines.prefix(row + 2))), line: row + 2,
                         "the file ends inside TEC map 1 (started at line \(number(of: "START OF TEC MAP"))): truncated?")
        // Cut in the middle of a line.
        let text = lines.prefix(row + 2).joined(separator: "\n") + "\n" + lines[row + 2].prefix(13)
        assertIONEXError(try IONEXMaps(text: text, path: "cut"), line: row + 3, "the file ends inside TEC map 1")
        // Inside an RMS map: also truncated.
        let rms = number(of: "START OF RMS MAP")
        assertIONEXError(try parse(Array(lines.prefix(rms + 10))), line: rms + 10,
                         "the file ends inside the RMS map that starts at line \(rms)")
    }

    func testMapCountDifferentFromHeader() throws {
        // The header promises 30: the 25 maps present are used.
        let count = number(of: "# OF MAPS IN FILE")
        let more = try parse(edited(count, "    30                                                      # OF MAPS IN FILE"))
        XCTAssertEqual(more.epochs.count, 25)
        // The file stops cleanly after map 3 (no RMS maps, no END OF FILE): 3 maps.
        let third = number(of: "     3                                                      END OF TEC MAP")
        let three = try parse(Array(lines.prefix(third)))
        XCTAssertEqual(three.epochs.count, 3)
        XCTAssertEqual(three.span.upperBound - three.span.lowerBound, 7200)
        // No map at all.
        let end = number(of: "END OF HEADER")
        assertIONEXError(try parse(Array(lines.prefix(end))), line: end, "no complete TEC map in the file (the header promises 25)")
        assertIONEXError(try parse(Array(lines.prefix(end)) + ["                                                            END OF FILE"]),
                         line: end + 1, "no complete TEC map")
    }

    func testEpochsMustIncrease() {
        let second = number(of: "EPOCH OF CURRENT MAP", after: number(of: "     2                                                      START OF TEC MAP"))
        assertIONEXError(try parse(edited(second, "  2020     1     8     0     0     0                        EPOCH OF CURRENT MAP")),
                         line: second, "TEC map 2's epoch 2020-01-08 00:00:00 UTC is not after map 1's 2020-01-08 00:00:00 UTC")
        assertIONEXError(try parse(edited(second, "  2020    13     8     0     0     0                        EPOCH OF CURRENT MAP")),
                         line: second, "is not a valid date and time")
        let first = number(of: "EPOCH OF CURRENT MAP")
        assertIONEXError(try parse(edited(first, "  2020     1     8     0    30     0                        EPOCH OF CURRENT MAP")),
                         line: first, "differs from EPOCH OF FIRST MAP 2020-01-08 00:00:00 UTC")
        assertIONEXError(try parse(edited(first)), line: first, "latitude row before its EPOCH OF CURRENT MAP")
    }

    func testMapStructure() {
        let start2 = number(of: "     2                                                      START OF TEC MAP")
        assertIONEXError(try parse(edited(start2, "     3                                                      START OF TEC MAP")),
                         line: start2, "TEC map numbered 3 where map 2 should start")
        let end1 = number(of: "     1                                                      END OF TEC MAP")
        assertIONEXError(try parse(edited(end1, "     2                                                      END OF TEC MAP")),
                         line: end1, "END OF TEC MAP 2 closes TEC map 1")
        assertIONEXError(try parse(edited(end1)), line: end1, "START OF TEC MAP inside TEC map 1", "END OF TEC MAP is missing")
        // Rows out of order, a row missing, a row with other longitudes or height.
        let row1 = number(of: "LAT/LON1/LON2/DLON/H")
        let row2 = number(of: "LAT/LON1/LON2/DLON/H", after: row1)
        assertIONEXError(try parse(edited(row2, "    82.5-180.0 180.0   5.0 450.0                            LAT/LON1/LON2/DLON/H")),
                         line: row2, "latitude row 82.5 where the grid's row 2, latitude 85.0, should come")
        assertIONEXError(try parse(edited(row2, "    85.0-180.0 175.0   5.0 450.0                            LAT/LON1/LON2/DLON/H")),
                         line: row2, "differ from the header's LON1 / LON2 / DLON")
        assertIONEXError(try parse(edited(row2, "    85.0-180.0 180.0   5.0 400.0                            LAT/LON1/LON2/DLON/H")),
                         line: row2, "height 400.0 km differs from HGT1 450.0 km")
        var missingRow = lines
        missingRow.removeSubrange((end1 - 7)..<(end1 - 1))  // the last row (record + 5 value lines)
        assertIONEXError(try parse(missingRow), line: end1 - 6, "TEC map 1 ends after 70 of the grid's 71 latitude rows")
        // Map records outside a map.
        assertIONEXError(try parse(edited(start2)), line: start2, "EPOCH OF CURRENT MAP outside a map")
        assertIONEXError(try parse(edited(start2, "   12   13", lines[start2 - 1])), line: start2,
                         "is neither a record nor part of a TEC map's latitude row")
    }

    func testErrorDescriptionIsOneLine() {
        let error = IONEXError(file: "dir/with\nnewline", line: 7, message: "bad \u{1B}[31mred\u{7} value\r")
        XCTAssertEqual(error.description, "dir/with\\u{A}newline:7: bad \\u{1B}[31mred\\u{7} value\\u{D}")
        XCTAssertEqual(IONEXError(file: "f", message: "m").description, "f: m")
    }
}
