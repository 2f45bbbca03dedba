import Foundation
import XCTest
@testable import Astro

/// Vertical TEC from IONEX maps: against RMextract 0.5.1 on the real files, and exactly on
/// constructed maps.
///
/// RMextract's `compute_tec_interpol` (getIONEX.py) differs from ours by construction in three
/// places, where we do what the format means and do not compare:
/// - Longitude wrap on grids that repeat the first meridian (-180 ... 180): it finds the
///   nearest column with `argmin` of the wrapped distance, and within half a grid step of the
///   dateline columns 0 (-180) and 72 (180) are equally near; whichever the rounding of the
///   wrapped distances favours, stepping "one column" east or west from it can land on the
///   other copy of the same meridian, and it then returns the dateline value instead of
///   interpolating towards 175 or -175 (e.g. 7.80 instead of 7.64 TECU at lon 178 in the CODE
///   map of 2020-01-08 00:00; at lon -178.5 it happens or not with the last bit of the
///   distance). With `apply_earth_rotation` the band moves with each map's rotated longitude.
/// - Time: outside the maps' span it silently uses the first or last map; we refuse. Its map
///   times come from the header (EPOCH OF FIRST MAP + k x INTERVAL, in hours of the first
///   map's day) rather than each map's EPOCH OF CURRENT MAP; the same for these files.
/// - Missing values (9999) become 999.9 TECU there; we refuse to interpolate through them.
/// Latitudes poleward of the grid's edge rows (87.5 to 90) take the edge row in both.
final class IonosphereIONEXInterpolationTests: XCTestCase {
    // MARK: - Against RMextract

    func testAgreesWithRMextractOnTheRealFiles() throws {
        if let reason = RMextract.unavailable { return XCTFail(reason + " (scripts/install-deps.sh --test installs it)") }
        let directory = TemporaryDirectory("rmextract")
        for (name, plain) in [(IONEXFiles.codeDay8, "CODG0080.20I"), (IONEXFiles.igsDay349, "IGSG3490.24I")] {
            let maps = try IONEXMaps.read(path: IONEXFiles.path(name))
            let text = try IONEXFiles.expand(name, into: directory, as: plain)
            let dayStart = UTCDay(mjdSeconds: maps.epochs[0]).startMJDSeconds
            var generator = SplitMixRandom(seed: 349)
            var hours: [Double] = [], lats: [Double] = [], lons: [Double] = []
            for index in 0..<500 {
                // Mostly anywhere; some exactly on map epochs, grid rows and columns, and the poles' caps.
                var hour = Double.random(in: 0...24, using: &generator)
                var lat = Double.random(in: -90...90, using: &generator)
                var lon = Double.random(in: -180..<180, using: &generator)
                if index % 10 == 0 { hour = hour.rounded() }
                if index % 10 == 1 { lat = (lat / 2.5).rounded() * 2.5 }
                if index % 10 == 2 { lon = (lon / 5).rounded() * 5 }
                if index % 25 == 3 { lat = Double.random(in: 87.5...90, using: &generator) * (index % 2 == 0 ? 1 : -1) }
                hours.append(hour); lats.append(lat); lons.append(lon)
            }
            let theirs = try RMextract.interpolate(path: text, hours: hours, lats: lats, lons: lons, rotations: [0, 1])
            XCTAssertEqual(theirs.times, maps.epochs.map { ($0 - dayStart) / 3600 }, "\(name): map times")

            for (mode, rotation) in [(IONEXMaps.TimeInterpolation.linear, "0"), (.rotated, "1")] {
                let reference = try XCTUnwrap(theirs.tec[rotation])
                var compared = 0, skipped = 0
                var maxAbsolute = 0.0, maxRelative = 0.0, maxInBand = 0.0
                for index in hours.indices {
                    let t = dayStart + hours[index] * 3600
                    let ours = try maps.verticalTEC(latitude: lats[index], longitude: lons[index], mjdSeconds: t,
                                                    interpolation: mode)
                    let difference = abs(ours - reference[index])
                    if inWrapBand(maps: maps, longitude: lons[index], mjdSeconds: t, rotated: mode == .rotated) {
                        skipped += 1
                        maxInBand = max(maxInBand, difference)
                        continue
                    }
                    compared += 1
                    maxAbsolute = max(maxAbsolute, difference)
                    maxRelative = max(maxRelative, difference / max(abs(reference[index]), 1e-3))
                    XCTAssertLessThanOrEqual(difference, 1e-6 * abs(reference[index]) + 1e-9,
                                             "\(name) \(mode) h=\(hours[index]) lat=\(lats[index]) lon=\(lons[index]): "
                                                + "ours \(ours), RMextract \(reference[index])")
                }
                print("RMextract \(name) \(mode) (apply_earth_rotation=\(rotation)): \(compared) points agree to "
                    + "max |diff| \(String(format: "%.2e", maxAbsolute)) TECU, max relative \(String(format: "%.2e", maxRelative)); "
                    + "\(skipped) within 2.5 deg of the dateline (RMextract's wrap quirk) not compared (max |diff| there "
                    + "\(String(format: "%.3f", maxInBand)) TECU)")
                XCTAssertGreaterThan(compared, 450)
            }
        }
    }

    /// Whether RMextract's nearest-column tie at the dateline can touch this point: a longitude
    /// (rotated to either map's epoch when `rotated`) within half a grid step (2.5 deg) of 180.
    private func inWrapBand(maps: IONEXMaps, longitude: Double, mjdSeconds: Double, rotated: Bool) -> Bool {
        var longitudes = [longitude]
        if rotated {
            let after = maps.epochs.firstIndex { $0 >= mjdSeconds }!
            for map in [max(after - 1, 0), after] {
                longitudes.append(longitude + (mjdSeconds - maps.epochs[map]) * 360 / 86_400)
            }
        }
        return longitudes.contains { value in
            var wrapped = (value + 180).truncatingRemainder(dividingBy: 360)
            if wrapped < 0 { wrapped += 360 }
            return wrapped >= 357.5 - 1e-9 || wrapped <= 2.5 + 1e-9
        }
    }

    func testRMextractWrapQuirkIsReal() throws {
        if let reason = RMextract.unavailable { return XCTFail(reason + " (scripts/install-deps.sh --test installs it)") }
        let directory = TemporaryDirectory("rmextract-wrap")
        let text = try IONEXFiles.expand(IONEXFiles.codeDay8, into: directory, as: "CODG0080.20I")
        let maps = try IONEXMaps.read(path: IONEXFiles.path(IONEXFiles.codeDay8))
        let theirs = try RMextract.interpolate(path: text, hours: [0, 0], lats: [40, 40], lons: [178, 176], rotations: [0])
        let row = maps.latitudes.firstIndex(of: 40)!
        let at175 = maps.value(map: 0, latitudeIndex: row, longitudeIndex: 71)
        let at180 = maps.value(map: 0, latitudeIndex: row, longitudeIndex: 72)
        let ours = try maps.verticalTEC(latitude: 40, longitude: 178, mjdSeconds: maps.epochs[0], interpolation: .linear)
        XCTAssertEqual(ours, 0.4 * at175 + 0.6 * at180, accuracy: 1e-6)
        XCTAssertEqual(theirs.tec["0"]![0], at180, accuracy: 1e-6, "RMextract returns the 180 deg column in the band")
        XCTAssertEqual(theirs.tec["0"]![1], 0.8 * at175 + 0.2 * at180, accuracy: 1e-6, "and interpolates outside it")
    }

    func testConsecutiveCODEDaysMeetAtMidnight() throws {
        let day8 = try IONEXMaps.read(path: IONEXFiles.path(IONEXFiles.codeDay8))
        let day9 = try IONEXMaps.read(path: IONEXFiles.path(IONEXFiles.codeDay9))
        XCTAssertEqual(day8.span.upperBound, day9.span.lowerBound)
        XCTAssertEqual(UTCDay(mjdSeconds: day9.span.lowerBound), UTCDay(year: 2020, dayOfYear: 9))
        let midnight = day9.span.lowerBound
        let a = try day8.verticalTEC(latitude: -30.7, longitude: 21.4, mjdSeconds: midnight, interpolation: .rotated)
        let b = try day9.verticalTEC(latitude: -30.7, longitude: 21.4, mjdSeconds: midnight, interpolation: .rotated)
        XCTAssertTrue(a > 0 && b > 0)
        print("CODE 24:00 map of day 008 vs 00:00 map of day 009 at (-30.7, 21.4): \(a) vs \(b) TECU")
    }

    // MARK: - Constructed maps

    private let day = UTCDay(year: 2021, dayOfYear: 100)
    private let globalLatitudes = stride(from: 87.5, through: -87.5, by: -2.5).map { $0 }
    private let globalLongitudes = stride(from: -180.0, through: 180, by: 5).map { $0 }

    private func hourly(_ count: Int) -> [Double] {
        (0..<count).map { day.startMJDSeconds + Double($0) * 3600 }
    }

    /// TEC linear in latitude, longitude and time (exact at 0.1 TECU on this grid).
    private func planar(_ map: Int, _ lat: Double, _ lon: Double) -> Double {
        10 + 0.2 * lat + 0.1 * (lon + 180) + 2 * Double(map)
    }

    func testBilinearAndLinearInTimeAreExactOnPlanarMaps() throws {
        let text = IONEXWriter.text(epochs: hourly(25), latitudes: globalLatitudes, longitudes: globalLongitudes,
                                    shellHeight: 450, exponent: -1, tec: planar, comment: "planar")
        let maps = try IONEXMaps(text: text, path: "planar.21i")
        var generator = SplitMixRandom(seed: 7)
        for _ in 0..<2000 {
            let lat = Double.random(in: -87.5...87.5, using: &generator)
            let lon = Double.random(in: -180...180, using: &generator)
            let hour = Double.random(in: 0...24, using: &generator)
            let value = try maps.verticalTEC(latitude: lat, longitude: lon, mjdSeconds: day.startMJDSeconds + hour * 3600,
                                             interpolation: .linear)
            XCTAssertEqual(value, 10 + 0.2 * lat + 0.1 * (lon + 180) + 2 * hour, accuracy: 1e-4)
        }
        // Poleward of the edge rows: the edge row.
        let t = day.startMJDSeconds + 5400
        XCTAssertEqual(try maps.verticalTEC(latitude: 89.9, longitude: 12, mjdSeconds: t, interpolation: .linear),
                       try maps.verticalTEC(latitude: 87.5, longitude: 12, mjdSeconds: t, interpolation: .linear))
        XCTAssertEqual(try maps.verticalTEC(latitude: -90, longitude: 12, mjdSeconds: t, interpolation: .linear),
                       try maps.verticalTEC(latitude: -87.5, longitude: 12, mjdSeconds: t, interpolation: .linear))
    }

    /// A pattern fixed to the Sun: TEC(lon, t) = G(lon + 15 deg/h x UT). Rotated interpolation
    /// reproduces it exactly at any time; same-longitude interpolation blurs it.
    func testRotatedInterpolationFollowsTheSun() throws {
        func g(_ x: Double) -> Double {
            var wrapped = x.truncatingRemainder(dividingBy: 360)
            if wrapped < 0 { wrapped += 360 }
            return 10 + abs(wrapped - 180) / 10  // kinks at 0 and 180, on grid columns
        }
        let epochs = (0..<13).map { day.startMJDSeconds + Double($0) * 7200 }
        let text = IONEXWriter.text(epochs: epochs, latitudes: globalLatitudes, longitudes: globalLongitudes, shellHeight: 450,
                                    exponent: -1, tec: { map, _, lon in g(lon + 30 * Double(map)) }, comment: "")
        let maps = try IONEXMaps(text: text, path: "sun.21i")
        var generator = SplitMixRandom(seed: 11)
        var largestLinearError = 0.0
        for _ in 0..<1000 {
            let lat = Double.random(in: -80...80, using: &generator)
            let lon = Double.random(in: -400...400, using: &generator)
            let seconds = Double.random(in: 0...86_400, using: &generator)
            let t = day.startMJDSeconds + seconds
            let truth = g(lon + seconds * 360 / 86_400)
            XCTAssertEqual(try maps.verticalTEC(latitude: lat, longitude: lon, mjdSeconds: t, interpolation: .rotated),
                           truth, accuracy: 1e-4, "lon \(lon), t \(seconds) s")
            let linear = try maps.verticalTEC(latitude: lat, longitude: lon, mjdSeconds: t, interpolation: .linear)
            largestLinearError = max(largestLinearError, abs(linear - truth))
        }
        XCTAssertGreaterThan(largestLinearError, 0.5, "same-longitude interpolation cannot follow a moving pattern")
    }

    func testLongitudeWraps() throws {
        // -180 ... 180 (first meridian repeated) and 0 ... 355 (not repeated).
        let wave = { (_: Int, lat: Double, lon: Double) -> Double in 20 + lat / 10 + 5 * sin(lon * .pi / 180) }
        let repeated = try IONEXMaps(text: IONEXWriter.text(epochs: hourly(2), latitudes: globalLatitudes,
                                                            longitudes: globalLongitudes, shellHeight: 450, exponent: -3,
                                                            tec: wave, comment: ""), path: "repeated")
        let open = try IONEXMaps(text: IONEXWriter.text(epochs: hourly(2), latitudes: globalLatitudes,
                                                        longitudes: stride(from: 0.0, through: 355, by: 5).map { $0 },
                                                        shellHeight: 450, exponent: -3, tec: wave, comment: ""), path: "open")
        let t = day.startMJDSeconds + 1800
        for maps in [repeated, open] {
            let row = maps.latitudes.firstIndex(of: 40)!
            func column(_ lon: Double) -> Int { maps.longitudes.firstIndex { abs($0 - lon) < 1e-9 }! }
            let at355 = maps.value(map: 0, latitudeIndex: row, longitudeIndex: column(maps.longitudes.first == 0 ? 355 : -5))
            let at0 = maps.value(map: 0, latitudeIndex: row, longitudeIndex: column(0))
            let expected = 0.5 * at355 + 0.5 * at0
            for lon in [-2.5, 357.5, 717.5, -362.5] {
                XCTAssertEqual(try maps.verticalTEC(latitude: 40, longitude: lon, mjdSeconds: maps.epochs[0], interpolation: .linear),
                               expected, accuracy: 1e-9, "\(maps.path) lon \(lon)")
            }
            let at175 = maps.value(map: 0, latitudeIndex: row, longitudeIndex: column(175))
            let at180 = maps.value(map: 0, latitudeIndex: row, longitudeIndex: column(180))
            for lon in [178.0, -182.0, 538.0] {
                XCTAssertEqual(try maps.verticalTEC(latitude: 40, longitude: lon, mjdSeconds: maps.epochs[0], interpolation: .linear),
                               0.4 * at175 + 0.6 * at180, accuracy: 1e-9, "\(maps.path) lon \(lon)")
            }
            XCTAssertEqual(try maps.verticalTEC(latitude: 12.3, longitude: 180, mjdSeconds: t, interpolation: .rotated),
                           try maps.verticalTEC(latitude: 12.3, longitude: -180, mjdSeconds: t, interpolation: .rotated),
                           accuracy: 1e-9)
        }
    }

    func testRefusals() throws {
        let tecWithHole = { (map: Int, lat: Double, lon: Double) -> Double in
            map == 1 && lat == 50 && lon == 10 ? .nan : 30
        }
        let maps = try IONEXMaps(text: IONEXWriter.text(epochs: hourly(3), latitudes: globalLatitudes, longitudes: globalLongitudes,
                                                        shellHeight: 450, exponent: -1, tec: tecWithHole, comment: ""),
                                 path: "holes.21i")
        let start = day.startMJDSeconds
        assertIONEXError(try maps.verticalTEC(latitude: 0, longitude: 0, mjdSeconds: start - 1, interpolation: .linear),
                         "holes.21i: time 2021-04-09 23:59:59 UTC is outside the maps' span 2021-04-10 00:00:00 UTC to "
                            + "2021-04-10 02:00:00 UTC")
        assertIONEXError(try maps.verticalTEC(latitude: 0, longitude: 0, mjdSeconds: start + 7200.5, interpolation: .rotated),
                         "outside the maps' span")
        XCTAssertEqual(try maps.verticalTEC(latitude: 0, longitude: 0, mjdSeconds: start + 7200, interpolation: .rotated), 30,
                       accuracy: 1e-12)
        assertIONEXError(try maps.verticalTEC(latitude: 51, longitude: 12, mjdSeconds: start + 3600, interpolation: .linear),
                         "holes.21i: no TEC value (9999) in the map of 2021-04-10 01:00:00 UTC at latitude 50.0, longitude 10.0")
        assertIONEXError(try maps.verticalTEC(latitude: 51, longitude: 12, mjdSeconds: start + 1800, interpolation: .linear),
                         "no TEC value (9999)")
        // The hole's weight is 0 here: exactly on the neighbouring row, or at the map without it.
        XCTAssertEqual(try maps.verticalTEC(latitude: 52.5, longitude: 12, mjdSeconds: start + 3600, interpolation: .linear), 30,
                       accuracy: 1e-12)
        XCTAssertEqual(try maps.verticalTEC(latitude: 51, longitude: 12, mjdSeconds: start, interpolation: .linear), 30,
                       accuracy: 1e-12)
        assertIONEXError(try maps.verticalTEC(latitude: 91, longitude: 0, mjdSeconds: start, interpolation: .linear), "beyond +/-90")
        assertIONEXError(try maps.verticalTEC(latitude: .nan, longitude: 0, mjdSeconds: start, interpolation: .linear), "not finite")

        // A regional grid: outside it there is nothing to interpolate.
        let regional = try IONEXMaps(text: IONEXWriter.text(epochs: hourly(2), latitudes: [60, 55, 50, 45, 40, 35, 30],
                                                            longitudes: stride(from: -10.0, through: 40, by: 5).map { $0 },
                                                            shellHeight: 350, exponent: -1, tec: planar, comment: "Europe"),
                                     path: "europe.21i")
        XCTAssertEqual(regional.shellHeight, 350)
        XCTAssertEqual(try regional.verticalTEC(latitude: 45, longitude: 350, mjdSeconds: start, interpolation: .linear),
                       planar(0, 45, -10), accuracy: 1e-9)
        assertIONEXError(try regional.verticalTEC(latitude: 45, longitude: 41, mjdSeconds: start, interpolation: .linear),
                         "europe.21i: longitude 41.0 is outside the maps' grid (-10.0 ... 40.0)")
        assertIONEXError(try regional.verticalTEC(latitude: 61, longitude: 0, mjdSeconds: start, interpolation: .linear),
                         "latitude 61.0 is outside the maps' grid (60.0 ... 30.0)")
    }

    // MARK: - UTCDay

    func testUTCDay() {
        let day8 = UTCDay(year: 2020, dayOfYear: 8)
        XCTAssertEqual(day8.description, "2020-01-08 (day 008)")
        XCTAssertEqual(day8.mjd, 58_856)
        XCTAssertEqual(day8.startMJDSeconds, 58_856 * 86_400)
        XCTAssertEqual(UTCDay(mjdSeconds: day8.startMJDSeconds), day8)
        XCTAssertEqual(UTCDay(mjdSeconds: day8.startMJDSeconds + 86_399.999), day8)
        XCTAssertEqual(UTCDay(mjdSeconds: day8.startMJDSeconds - 0.001), UTCDay(year: 2020, dayOfYear: 7))
        XCTAssertEqual(UTCDay(year: 2020, dayOfYear: 366).next, UTCDay(year: 2021, dayOfYear: 1))
        XCTAssertEqual(UTCDay(year: 2021, dayOfYear: 1).previous, UTCDay(year: 2020, dayOfYear: 366))
        XCTAssertEqual(UTCDay(year: 2019, dayOfYear: 365).next.description, "2020-01-01 (day 001)")
        XCTAssertEqual(UTCDay(year: 2024, dayOfYear: 60).description, "2024-02-29 (day 060)")
        XCTAssertEqual(UTCDay(year: 2100, dayOfYear: 60).description, "2100-03-01 (day 060)")
        XCTAssertEqual(UTCDay.daysIn(year: 2000), 366)
        XCTAssertEqual(UTCDay.daysIn(year: 1900), 365)
        XCTAssertLessThan(UTCDay(year: 2019, dayOfYear: 365), day8)
        XCTAssertLessThan(day8, day8.next)
        XCTAssertEqual(UTCDay(mjdSeconds: 0).description, "1858-11-17 (day 321)")
        // Against Foundation's Gregorian calendar, every tenth day over 1950 ... 2150.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var day = UTCDay(year: 1950, dayOfYear: 1)
        while day.year < 2150 {
            let date = Date(timeIntervalSince1970: day.startMJDSeconds - 40_587 * 86_400)
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            XCTAssertEqual(parts.year, day.year)
            XCTAssertEqual(calendar.ordinality(of: .day, in: .year, for: date), day.dayOfYear)
            XCTAssertEqual(parts.month, day.monthAndDay.month)
            XCTAssertEqual(parts.day, day.monthAndDay.day)
            for _ in 0..<10 { day = day.next }
        }
        XCTAssertEqual(UTCDay.timestamp(mjdSeconds: day8.startMJDSeconds + 3723.25), "2020-01-08 01:02:03.250 UTC")
    }
}
