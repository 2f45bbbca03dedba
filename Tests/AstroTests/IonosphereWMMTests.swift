import Foundation
import XCTest
@testable import Astro

/// The World Magnetic Model against NOAA's published test values and RMextract's
/// compiled model; the model choice by date; decimal years.
final class IonosphereWMMTests: XCTestCase {
    /// Largest |ours − theirs| over X, Y, Z (and over their yearly rates) for a table.
    private func compareWithNOAA(_ model: WorldMagneticModel, rows: [WMMTestValues.Row],
                                 label: String) -> (field: Double, rate: Double) {
        var worst = 0.0, worstRate = 0.0
        for row in rows {
            let site = GeodeticPosition(latitude: row.latitude, longitude: row.longitude, height: row.heightKm * 1000)
            let b = model.field(at: site, decimalYear: row.year)
            // The secular variation is linear, so a one-year difference is the exact rate.
            let before = model.field(at: site, decimalYear: row.year - 0.5)
            let after = model.field(at: site, decimalYear: row.year + 0.5)
            let field = max(abs(b.north - row.x), abs(b.east - row.y), abs(b.down - row.z))
            let rate = max(abs(after.north - before.north - row.xRate), abs(after.east - before.east - row.yRate),
                           abs(after.down - before.down - row.zRate))
            XCTAssertLessThanOrEqual(field, 0.1, "\(label) at \(row): ours X \(b.north) Y \(b.east) Z \(b.down)")
            XCTAssertLessThanOrEqual(rate, 0.1 + 1e-9, "\(label) rates at \(row)")
            worst = max(worst, field)
            worstRate = max(worstRate, rate)
        }
        print("\(label): \(rows.count) NOAA test points; max |ΔX|,|ΔY|,|ΔZ| = \(String(format: "%.3f", worst)) nT, "
            + "max rate difference \(String(format: "%.3f", worstRate)) nT/yr (NOAA prints 0.1)")
        return (worst, worstRate)
    }

    func testWMM2020ReproducesNOAATestValues() {
        let rows = WMMTestValues.rows(WMMTestValues.wmm2020, xyz: 7, rates: 14)
        XCTAssertEqual(rows.count, 100)
        _ = compareWithNOAA(.wmm2020, rows: rows, label: "WMM-2020")
    }

    func testWMM2025ReproducesNOAATestValues() {
        let rows = WMMTestValues.rows(WMMTestValues.wmm2025, xyz: 4, rates: 12)
        XCTAssertEqual(rows.count, 12)
        _ = compareWithNOAA(.wmm2025, rows: rows, label: "WMM-2025")
    }

    func testBuiltInModelsAreTheRightFiles() {
        XCTAssertEqual(WorldMagneticModel.wmm2020.name, "WMM-2020")
        XCTAssertEqual(WorldMagneticModel.wmm2020.epoch, 2020.0)
        XCTAssertEqual(WorldMagneticModel.wmm2020.validUntil, 2025.0)
        XCTAssertEqual(WorldMagneticModel.wmm2025.name, "WMM-2025")
        XCTAssertEqual(WorldMagneticModel.wmm2025.epoch, 2025.0)
        XCTAssertEqual(WorldMagneticModel.wmm2025.validUntil, 2030.0)
        XCTAssertEqual(WorldMagneticModel.model(for: 2024.999).name, "WMM-2020")
        XCTAssertEqual(WorldMagneticModel.model(for: 2025.0).name, "WMM-2025")
        XCTAssertEqual(WorldMagneticModel.model(for: 2031.0).name, "WMM-2025")
        XCTAssertEqual(WorldMagneticModel.model(for: 2017.3).name, "WMM-2020", "extrapolated back, as RMextract does")
    }

    /// ~200 random places (0–1000 km up) and dates in 2020–2025 against RMextract's
    /// compiled WMM (its own WMM-2020 coefficient file), north/east/down and the ITRF vector.
    func testAgreesWithRMextractsCompiledWMM() throws {
        var random = RandomStream(seed: 20_250_450)
        var points: [IonosphereReference.FieldPoint] = []
        for k in 0..<200 {
            let latitude = k < 4 ? [90.0, -90.0, 89.999, -89.999][k] : asin(random.uniform(-1, 1)) * 180 / .pi
            points.append(.init(year: random.uniform(2020, 2025), latitude: latitude,
                                longitude: random.uniform(-180, 180), heightKm: random.uniform(0, 1000)))
        }
        let reference = try IonosphereReference.rmextract(fields: points)
        var worstNED = 0.0, worstITRF = 0.0
        for (point, theirs) in zip(points, reference.wmm) {
            let site = GeodeticPosition(latitude: point.latitude, longitude: point.longitude, height: point.heightKm * 1000)
            let model = WorldMagneticModel.model(for: point.year)
            XCTAssertEqual(model.name, "WMM-2020")
            let b = model.field(at: site, decimalYear: point.year)
            let ned = max(abs(b.north - theirs[0]), abs(b.east - theirs[1]), abs(b.down - theirs[2]))
            let v = b.itrf(at: site)
            let itrf = max(abs(v.x - theirs[3]), abs(v.y - theirs[4]), abs(v.z - theirs[5]))
            if point.latitude.magnitude < 90 {  // at a pole north and east depend on the longitude convention
                XCTAssertLessThanOrEqual(ned, 0.5, "NED at \(point): ours \(b), RMextract \(theirs[0...2])")
                worstNED = max(worstNED, ned)
            }
            XCTAssertLessThanOrEqual(itrf, 0.5, "ITRF at \(point): ours \(v), RMextract \(theirs[3...5])")
            worstITRF = max(worstITRF, itrf)
        }
        print("WMM vs RMextract (compiled WMM-2020, single precision): \(points.count) points 2020–2025, 0–1000 km; "
            + "max |Δ| north/east/down \(String(format: "%.3f", worstNED)) nT, ITRF x/y/z \(String(format: "%.3f", worstITRF)) nT")
    }

    /// At a pole the field is one vector whatever longitude names the local frame.
    func testFieldIsContinuousThroughThePoles() {
        for latitude in [90.0, -90.0] {
            var vectors: [ITRFVector] = []
            for longitude in stride(from: -180.0, through: 180, by: 45) {
                let pole = GeodeticPosition(latitude: latitude, longitude: longitude, height: 450e3)
                let b = WorldMagneticModel.wmm2025.field(at: pole, decimalYear: 2026.3)
                XCTAssertTrue(b.north.isFinite && b.east.isFinite && b.down.isFinite)
                vectors.append(b.itrf(at: pole))
            }
            let near = GeodeticPosition(latitude: latitude > 0 ? latitude - 1e-7 : latitude + 1e-7, longitude: 30, height: 450e3)
            vectors.append(WorldMagneticModel.wmm2025.field(at: near, decimalYear: 2026.3).itrf(at: near))
            for v in vectors {
                XCTAssertLessThan((v - vectors[0]).norm, 0.01, "pole \(latitude): \(v) vs \(vectors[0])")
            }
        }
    }

    func testDecimalYear() {
        func mjdSeconds(_ year: Int, _ month: Int, _ day: Int, hour: Double = 0) -> Double {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let date = calendar.date(from: DateComponents(year: year, month: month, day: day))!
            return (date.timeIntervalSince1970 / 86_400 + 40_587) * 86_400 + hour * 3600
        }
        XCTAssertEqual(mjdSeconds(2020, 1, 1), 58_849 * 86_400)
        XCTAssertEqual(DecimalYear.of(mjdSeconds: mjdSeconds(2020, 1, 1)), 2020.0)
        XCTAssertEqual(DecimalYear.of(mjdSeconds: mjdSeconds(2020, 7, 2)), 2020 + 183.0 / 366, accuracy: 1e-12)
        XCTAssertEqual(DecimalYear.of(mjdSeconds: mjdSeconds(2021, 12, 31, hour: 12)), 2021 + 364.5 / 365, accuracy: 1e-12)
        XCTAssertEqual(DecimalYear.of(mjdSeconds: mjdSeconds(2024, 3, 1)), 2024 + 60.0 / 366, accuracy: 1e-12)
        XCTAssertEqual(DecimalYear.of(mjdSeconds: mjdSeconds(2100, 3, 1)), 2100 + 59.0 / 365, accuracy: 1e-12)
        // Every 1 January and 31 December from 1858 to 2200 (Foundation's calendar as the reference).
        for year in 1858...2200 {
            XCTAssertEqual(DecimalYear.of(mjdSeconds: mjdSeconds(year, 1, 1)), Double(year), "\(year)-01-01")
            let lastDay = Double(DecimalYear.isLeap(year) ? 365 : 364) / Double(DecimalYear.isLeap(year) ? 366 : 365)
            XCTAssertEqual(DecimalYear.of(mjdSeconds: mjdSeconds(year, 12, 31)), Double(year) + lastDay,
                           accuracy: 1e-10, "\(year)-12-31")
        }
    }
}
