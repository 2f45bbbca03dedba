import Foundation
import XCTest
@testable import Astro

/// Pierce points against RMextract's ellipsoidal shell, and the geodetic conversions
/// they stand on.
final class IonospherePiercePointTests: XCTestCase {
    static let lofarCS002 = GeodeticPosition(itrf: ITRFVector(x: 3_826_577.1095, y: 461_022.900196, z: 5_064_892.758))
    /// KAIRA, Kilpisjärvi (a LOFAR-type station north of the Arctic circle).
    static let kilpisjarvi = GeodeticPosition(latitude: 69.0707, longitude: 20.7625, height: 474)
    /// A polar site, to reach the part of the shell where the ellipsoid is flattest.
    static let southPole = GeodeticPosition(latitude: -89.99, longitude: 139.27, height: 2835)

    /// ~120 directions, elevation 10°–90°, from four sites: our exact crossing of the
    /// 450 km geodetic-height shell against RMextract's `PosTools.getPP`.
    func testAgreesWithRMextractGetPP() throws {
        let sites: [(String, GeodeticPosition)] = [("ASKAP", .askap), ("LOFAR CS002", Self.lofarCS002),
                                                   ("Kilpisjärvi", Self.kilpisjarvi), ("South Pole", Self.southPole)]
        var random = RandomStream(seed: 450)
        var cases: [(name: String, site: GeodeticPosition, elevation: Double, direction: ITRFVector)] = []
        for (name, site) in sites {
            for k in 0..<30 {
                let elevation = k == 0 ? 90 : k == 1 ? 10 : random.uniform(10, 90)
                let azimuth = random.uniform(0, 360)
                let d = Horizon.direction(azimuth: azimuth * .pi / 180, elevation: elevation * .pi / 180, site: site)
                cases.append((name, site, elevation, d))
            }
        }
        let reference = try IonosphereReference.rmextract(
            piercePoints: cases.map { ($0.site.itrf, $0.direction, 450e3) })
        var worstPosition = 0.0, worstSlant = 0.0, worstHeight = 0.0
        var perSite: [String: (position: Double, slant: Double, height: Double)] = [:]
        for (c, theirs) in zip(cases, reference.pp) {
            guard let pp = PiercePoint.find(site: c.site, direction: c.direction, shellHeight: 450e3) else {
                XCTFail("no pierce point from \(c.name) at elevation \(c.elevation)")
                continue
            }
            let theirPosition = ITRFVector(x: theirs[0], y: theirs[1], z: theirs[2])
            let distance = (pp.position.itrf - theirPosition).norm
            let slant = abs(pp.slantFactor / theirs[3] - 1)
            XCTAssertLessThan(distance, 100, "\(c.name) el \(c.elevation): ours \(pp.position), RMextract \(theirPosition)")
            XCTAssertLessThan(slant, 1e-4, "\(c.name) el \(c.elevation): slant ours \(pp.slantFactor), RMextract \(theirs[3])")
            if c.site.latitude > 0 {
                // getPP's local ellipsoid is exact north of the equator; south of it its z offset
                // takes |sin φ| for sin φ (the sign is lost), which puts its points metres (tens of
                // metres near the pole) off the shell. So the north is held to a centimetre.
                XCTAssertLessThan(distance, 0.01, "\(c.name) el \(c.elevation)")
                XCTAssertLessThan(slant, 1e-9, "\(c.name) el \(c.elevation)")
            }
            XCTAssertEqual(pp.position.height, 450e3, accuracy: 1e-3)
            // The pierce point is on the ray.
            let along = pp.position.itrf - c.site.itrf
            XCTAssertLessThan((along - along.norm * c.direction).norm, 1e-3)
            worstPosition = max(worstPosition, distance)
            worstSlant = max(worstSlant, slant)
            let theirHeightError = abs(GeodeticPosition(itrf: theirPosition).height - 450e3)
            worstHeight = max(worstHeight, theirHeightError)
            let site = perSite[c.name] ?? (0, 0, 0)
            perSite[c.name] = (max(site.position, distance), max(site.slant, slant), max(site.height, theirHeightError))
        }
        for (name, _) in sites {
            let w = perSite[name] ?? (.nan, .nan, .nan)
            print("  \(name): max position difference \(String(format: "%.2f", w.position)) m, slant factor "
                + "\(String(format: "%.1e", w.slant)); RMextract's points \(String(format: "%.2f", w.height)) m off the shell")
        }
        print("PiercePoint vs RMextract getPP: \(cases.count) rays (4 sites, elevation 10–90°), 450 km shell; "
            + "max position difference \(String(format: "%.2f", worstPosition)) m, max relative slant-factor difference "
            + "\(String(format: "%.1e", worstSlant)); RMextract's points are up to \(String(format: "%.2f", worstHeight)) m "
            + "off the 450 km geodetic height, ours within 1 mm")
    }

    func testSlantFactorAndShellHeight() throws {
        let site = GeodeticPosition.askap
        let zenith = try XCTUnwrap(PiercePoint.find(site: site, direction: site.up, shellHeight: 450e3))
        XCTAssertEqual(zenith.slantFactor, 1, accuracy: 1e-12)
        XCTAssertEqual(zenith.position.latitude, site.latitude, accuracy: 1e-9)
        XCTAssertEqual(zenith.position.longitude, site.longitude, accuracy: 1e-9)
        XCTAssertEqual(zenith.position.height, 450e3, accuracy: 1e-3)
        // At the horizon a 450 km shell is met at zenith angle asin(R / (R + 450 km)) ≈ 69°
        // for R ≈ 6374 km: slant factor 1 / √(1 − (R / (R + 450 km))²) ≈ 2.80.
        let horizon = try XCTUnwrap(PiercePoint.find(
            site: site, direction: Horizon.direction(azimuth: 1, elevation: 0, site: site), shellHeight: 450e3))
        XCTAssertEqual(horizon.position.height, 450e3, accuracy: 1e-3)
        XCTAssertEqual(horizon.slantFactor, 2.80, accuracy: 0.03)
        // Sites below the ellipsoid and shells far out converge as well.
        let deep = GeodeticPosition(latitude: 10, longitude: 20, height: -10_000)
        let far = try XCTUnwrap(PiercePoint.find(
            site: deep, direction: Horizon.direction(azimuth: 2, elevation: 0.3, site: deep), shellHeight: 2e7))
        XCTAssertEqual(far.position.height, 2e7, accuracy: 1e-3)
    }

    func testNoPiercePointBelowTheHorizonOrAboveTheShell() {
        let site = GeodeticPosition.askap
        let down = Horizon.direction(azimuth: 0.5, elevation: -0.01, site: site)
        XCTAssertNil(PiercePoint.find(site: site, direction: down, shellHeight: 450e3))
        XCTAssertNil(PiercePoint.find(site: GeodeticPosition(latitude: 0, longitude: 0, height: 500e3),
                                      direction: ITRFVector(x: 1, y: 0, z: 0), shellHeight: 450e3))
        XCTAssertNil(PiercePoint.find(site: site, direction: ITRFVector(x: 0, y: 0, z: 0), shellHeight: 450e3))
    }

    /// itrf → geodetic → itrf to 0.1 mm and geodetic → itrf → geodetic to 1e-9° from 10 km
    /// below the ellipsoid to 1e8 m above it, poles included.
    func testGeodeticRoundTrip() {
        var random = RandomStream(seed: 84)
        var latitudes: [Double] = [90, -90, 89.9999999, -89.9999999, 0, 45, -45, 1e-12]
        for _ in 0..<400 { latitudes.append(asin(random.uniform(-1, 1)) * 180 / .pi) }
        var heights: [Double] = [-10_000, -1, 0, 381, 450e3, 1e8]
        for _ in 0..<20 { heights.append(pow(10, random.uniform(-1, 8))) }
        var worstMetres = 0.0, worstDegrees = 0.0, worstHeight = 0.0
        for latitude in latitudes {
            for height in heights {
                let longitude = random.uniform(-180, 180)
                let p = GeodeticPosition(latitude: latitude, longitude: longitude, height: height)
                let x = p.itrf
                let back = GeodeticPosition(itrf: x)
                let again = back.itrf
                let metres = (again - x).norm
                XCTAssertLessThan(metres, 1e-4, "\(p) → \(x) → \(back) → \(again)")
                XCTAssertEqual(back.latitude, latitude, accuracy: 1e-9, "\(p)")
                XCTAssertEqual(back.height, height, accuracy: 1e-4, "\(p)")
                if latitude.magnitude < 89.99 {
                    XCTAssertEqual(back.longitude, longitude, accuracy: 1e-9, "\(p)")
                    worstDegrees = max(worstDegrees, abs(back.longitude - longitude))
                }
                worstMetres = max(worstMetres, metres)
                worstDegrees = max(worstDegrees, abs(back.latitude - latitude))
                worstHeight = max(worstHeight, abs(back.height - height))
                XCTAssertEqual(p.up.norm, 1, accuracy: 1e-15)
            }
        }
        print("GeodeticPosition round trip: \(latitudes.count * heights.count) points, heights −10 km…1e8 m, "
            + "poles included; max |Δitrf| \(String(format: "%.1e", worstMetres)) m, max |Δangle| "
            + "\(String(format: "%.1e", worstDegrees))°, max |Δheight| \(String(format: "%.1e", worstHeight)) m")
        // Known ITRF values: the equator, a pole and ASKAP.
        XCTAssertEqual(GeodeticPosition(latitude: 0, longitude: 0, height: 0).itrf,
                       ITRFVector(x: 6_378_137, y: 0, z: 0))
        let pole = GeodeticPosition(latitude: 90, longitude: 0, height: 0).itrf
        XCTAssertEqual(pole.z, 6_356_752.314245, accuracy: 1e-6)
        let north = GeodeticPosition(itrf: ITRFVector(x: 0, y: 0, z: 6_356_752.314245 + 100))
        XCTAssertEqual(north.latitude, 90)
        XCTAssertEqual(north.height, 100, accuracy: 1e-6)
        // ASKAP: 26°42′15″ S, 116°39′32″ E, 381 m.
        XCTAssertEqual(GeodeticPosition.askap.latitude, -(26 + 42.0 / 60 + 15.0 / 3600), accuracy: 1e-4)
        XCTAssertEqual(GeodeticPosition.askap.longitude, 116 + 39.0 / 60 + 32.0 / 3600, accuracy: 1e-4)
        XCTAssertEqual(GeodeticPosition.askap.height, 381)
    }
}
