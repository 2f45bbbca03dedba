import Foundation
import XCTest
@testable import Astro

/// NaN and infinity in, NaN or nil out (never a crash or a hang); damaged coefficient
/// texts refused with the source and line named.
final class IonosphereBadValueTests: XCTestCase {
    static let bad: [Double] = [.nan, .infinity, -.infinity]

    func testNonFiniteGeometryGivesNaNOrNil() {
        for value in Self.bad {
            let positions = [GeodeticPosition(latitude: value, longitude: 10, height: 0),
                             GeodeticPosition(latitude: 10, longitude: value, height: 0),
                             GeodeticPosition(latitude: 10, longitude: 10, height: value)]
            for p in positions {
                XCTAssertFalse(p.itrf.isFinite, "\(p)")
                let back = GeodeticPosition(itrf: p.itrf)
                XCTAssertTrue(back.latitude.isNaN && back.longitude.isNaN && back.height.isNaN, "\(back)")
                XCTAssertNil(PiercePoint.find(site: p, direction: ITRFVector(x: 0, y: 0, z: 1), shellHeight: 450e3))
                let b = WorldMagneticModel.wmm2025.field(at: p, decimalYear: 2026)
                XCTAssertFalse(b.north.isFinite && b.east.isFinite && b.down.isFinite, "\(p) gave \(b)")
                let (az, el) = Horizon.azimuthElevation(ra: 10, dec: -30, mjdSeconds: 5.2e9, site: p)
                XCTAssertTrue(az.isNaN && el.isNaN, "\(p) gave \(az), \(el)")
            }
            XCTAssertNil(PiercePoint.find(site: .askap, direction: ITRFVector(x: value, y: 0, z: 1), shellHeight: 450e3))
            XCTAssertNil(PiercePoint.find(site: .askap, direction: GeodeticPosition.askap.up, shellHeight: value))
            for (ra, dec, t) in [(value, 0.0, 5.2e9), (0, value, 5.2e9), (0, 0, value)] {
                let (az, el) = Horizon.azimuthElevation(ra: ra, dec: dec, mjdSeconds: t, site: .askap)
                XCTAssertTrue(az.isNaN && el.isNaN, "ra \(ra) dec \(dec) t \(t) gave \(az), \(el)")
            }
            let d = Horizon.direction(azimuth: value, elevation: 0.5, site: .askap)
            XCTAssertFalse(d.isFinite)
            XCTAssertTrue(DecimalYear.of(mjdSeconds: value).isNaN)
            let b = WorldMagneticModel.wmm2020.field(at: .askap, decimalYear: value)
            XCTAssertFalse(b.north.isFinite || b.east.isFinite || b.down.isFinite, "\(b)")
            XCTAssertEqual(WorldMagneticModel.model(for: value).name.prefix(4), "WMM-")
        }
        XCTAssertTrue(DecimalYear.of(mjdSeconds: 1e300).isNaN)
        XCTAssertFalse(ITRFVector(x: 0, y: 0, z: 0).normalized.isFinite)
        // The Earth's centre is no place, but it must not hang or crash.
        _ = GeodeticPosition(itrf: ITRFVector(x: 0, y: 0, z: 0))
    }

    private func error(_ text: String) -> WMMCoefficientError? {
        do {
            _ = try WorldMagneticModel(coefficients: text, source: "test.COF")
            return nil
        } catch let error as WMMCoefficientError {
            return error
        } catch {
            XCTFail("unexpected \(error)")
            return nil
        }
    }

    func testMalformedCoefficientTextsNameTheSourceAndLine() throws {
        let good = WMM2025Coefficients.text
        XCTAssertNotNil(try? WorldMagneticModel(coefficients: good, source: "copy"))
        var lines = good.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)

        let cases: [(String, String, Int?, String)] = {
            var out: [(String, String, Int?, String)] = []
            var l = lines
            l[0] = "WMM-2025 2025.0"
            out.append(("header", l.joined(separator: "\n"), 1, "header"))
            l = lines
            l[5] = "  2  2    1649.3    -815.1       -8.0"
            out.append(("five fields", l.joined(separator: "\n"), 6, "6 fields"))
            l = lines
            l[5] = "  2  2    1649.3    -815.1       -8.0      abc"
            out.append(("not a number", l.joined(separator: "\n"), 6, "finite numbers"))
            l = lines
            l[5] = "  2  3    1649.3    -815.1       -8.0      -12.1"
            out.append(("order above degree", l.joined(separator: "\n"), 6, "out of range"))
            l = lines
            l[5] = lines[4]
            out.append(("duplicate", l.joined(separator: "\n"), 6, "twice"))
            l = lines
            l[7] = "  3  1   -2404.1     -56.6       -4.2        nan"
            out.append(("nan coefficient", l.joined(separator: "\n"), 8, "finite numbers"))
            l = lines
            l.remove(at: 5)
            out.append(("missing", l.joined(separator: "\n"), nil, "n=2 m=2 is missing"))
            out.append(("cut short", lines.prefix(40).joined(separator: "\n"), nil, "cut short"))
            out.append(("empty", "", nil, "empty"))
            out.append(("no coefficients", lines[0] + "\n" + lines.last!, nil, "no coefficients"))
            return out
        }()
        for (name, text, line, reason) in cases {
            let e = try XCTUnwrap(error(text), name)
            XCTAssertEqual(e.source, "test.COF", name)
            XCTAssertEqual(e.line, line, "\(name): \(e)")
            XCTAssertTrue(e.description.contains(reason), "\(name): \(e)")
            XCTAssertTrue(e.description.hasPrefix(line.map { "test.COF line \($0): " } ?? "test.COF: "), "\(name): \(e)")
            print("malformed coefficients (\(name)): \(e)")
        }
        lines[0] = "    2025.0            WMM-TEST        11/13/2024"
        let renamed = try WorldMagneticModel(coefficients: lines.joined(separator: "\r\n"), source: "crlf")
        XCTAssertEqual(renamed.name, "WMM-TEST", "Windows line ends are read too")
    }
}
