import Foundation
import XCTest
@testable import Astro

/// IONEXWriter: what it writes reads back (ours and RMextract's read_tec) to the exponent's rounding.
final class IonosphereIONEXWriterTests: XCTestCase {
    private let day = UTCDay(year: 2020, dayOfYear: 8)
    private let latitudes = stride(from: 87.5, through: -87.5, by: -2.5).map { $0 }
    private let longitudes = stride(from: -180.0, through: 180, by: 5).map { $0 }

    private func tec(_ map: Int, _ lat: Double, _ lon: Double) -> Double {
        let localHour = (Double(map) + lon / 15).truncatingRemainder(dividingBy: 24)
        return 3 + 40 * exp(-pow(lat / 30, 2)) * max(0, cos((localHour - 14) * .pi / 12)) + 0.013 * Double(map)
    }

    private func write(exponent: Int, maps: Int = 25, tec: ((Int, Double, Double) -> Double)? = nil,
                       comment: String = "synthetic ionosphere for the survey simulator") -> (text: String, epochs: [Double]) {
        let epochs = (0..<maps).map { day.startMJDSeconds + Double($0) * 3600 }
        let text = IONEXWriter.text(epochs: epochs, latitudes: latitudes, longitudes: longitudes, shellHeight: 450,
                                    exponent: exponent, tec: tec ?? self.tec, comment: comment)
        return (text, epochs)
    }

    func testRoundTrip() throws {
        for exponent in [-1, -2, 0] {
            let (text, epochs) = write(exponent: exponent)
            let maps = try IONEXMaps(text: text, path: "written")
            XCTAssertEqual(maps.epochs, epochs)
            XCTAssertEqual(maps.latitudes, latitudes)
            XCTAssertEqual(maps.longitudes, longitudes)
            XCTAssertEqual(maps.shellHeight, 450)
            let unit = pow(10, Double(exponent))
            var largest = 0.0
            for map in 0..<25 {
                for (i, lat) in latitudes.enumerated() {
                    for (j, lon) in longitudes.enumerated() {
                        let original = tec(map, lat, lon)
                        let read = maps.value(map: map, latitudeIndex: i, longitudeIndex: j)
                        XCTAssertEqual(read, (original / unit).rounded() * unit, accuracy: 1e-5 * max(1, abs(original)))
                        largest = max(largest, abs(read - original))
                    }
                }
            }
            XCTAssertLessThanOrEqual(largest, unit / 2 + 1e-5, "exponent \(exponent)")
            XCTAssertEqual(IONEXWriter.text(epochs: epochs, latitudes: latitudes, longitudes: longitudes, shellHeight: 450,
                                            exponent: exponent, tec: tec, comment: "synthetic ionosphere for the survey simulator"),
                           text, "the same input writes the same bytes")
        }
    }

    func testRecordsAreIONEXShaped() throws {
        let (text, _) = write(exponent: -1, maps: 2, comment: "line one\nline two is much longer than sixty characters, so it wraps onto a second record\u{1B}")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertTrue(lines.allSatisfy { $0.count <= 80 && $0.allSatisfy { $0.isASCII && !$0.isNewline } })
        XCTAssertEqual(lines.first, "     1.0            IONOSPHERE MAPS     MIX                 IONEX VERSION / TYPE")
        let comments = lines.filter { $0.hasSuffix("COMMENT             ") }.map { $0.prefix(60).trimmingCharacters(in: .whitespaces) }
        XCTAssertEqual(comments, ["line one", "line two is much longer than sixty characters, so it wraps o",
                                  "nto a second record?"])
        XCTAssertTrue(lines.contains("  2020     1     8     0     0     0                        EPOCH OF FIRST MAP  "))
        XCTAssertTrue(lines.contains("  2020     1     8     1     0     0                        EPOCH OF LAST MAP   "))
        XCTAssertTrue(lines.contains("  3600                                                      INTERVAL            "))
        XCTAssertTrue(lines.contains("  -180.0 180.0   5.0                                        LON1 / LON2 / DLON  "))
        XCTAssertTrue(lines.contains("    87.5-180.0 180.0   5.0 450.0                            LAT/LON1/LON2/DLON/H"))
        XCTAssertEqual(lines.last, "                                                            END OF FILE         ")
        // Uneven epochs: INTERVAL 0, as the format says.
        let uneven = IONEXWriter.text(epochs: [day.startMJDSeconds, day.startMJDSeconds + 900, day.startMJDSeconds + 3600],
                                      latitudes: [10, 0], longitudes: [0, 5], shellHeight: 400, exponent: -1,
                                      tec: { _, _, _ in 1 }, comment: "")
        XCTAssertTrue(uneven.contains("     0                                                      INTERVAL"))
        XCTAssertEqual(try IONEXMaps(text: uneven, path: "uneven").epochs.count, 3)
    }

    func testMissingValuesAndTheMarker() throws {
        let text = IONEXWriter.text(epochs: [day.startMJDSeconds], latitudes: [10, 5, 0], longitudes: [0, 5, 10],
                                    shellHeight: 450, exponent: -1,
                                    tec: { _, lat, lon in lat == 5 && lon == 5 ? .nan : (lon == 10 ? 999.9 : 1000.0) },
                                    comment: "")
        let maps = try IONEXMaps(text: text, path: "marker")
        XCTAssertTrue(maps.value(map: 0, latitudeIndex: 1, longitudeIndex: 1).isNaN)
        // 999.9 TECU would be the 9999 marker: it is written as 9998 (the nearer of 9998 and 10000).
        XCTAssertEqual(maps.value(map: 0, latitudeIndex: 0, longitudeIndex: 2), 999.8, accuracy: 1e-4)
        XCTAssertEqual(maps.value(map: 0, latitudeIndex: 0, longitudeIndex: 0), 1000, accuracy: 1e-4)
    }

    func testRMextractReadsWhatWeWrite() throws {
        if let reason = RMextract.unavailable { return XCTFail(reason + " (scripts/install-deps.sh --test installs it)") }
        let directory = TemporaryDirectory("writer-rmextract")
        let (text, _) = write(exponent: -1)
        let path = directory.file("SIMG0080.20I")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let ours = try IONEXMaps.read(path: path)
        let theirs = try RMextract.read(path: path)
        XCTAssertEqual(theirs.shape, [25, latitudes.count, longitudes.count])
        XCTAssertEqual(theirs.lats, latitudes)
        XCTAssertEqual(theirs.lons, longitudes)
        XCTAssertEqual(theirs.times, (0..<25).map(Double.init))
        var largest = 0.0
        for (index, value) in theirs.tec.enumerated() {
            let map = index / (latitudes.count * longitudes.count)
            let cell = index % (latitudes.count * longitudes.count)
            let mine = Double(ours.tec[map][cell])
            largest = max(largest, abs(mine - value))
            XCTAssertEqual(mine, value, accuracy: 1e-6 * max(1, abs(value)))
        }
        print("RMextract read_tec of our IONEXWriter file: \(theirs.tec.count) values, max |diff| \(largest) TECU")
    }
}
