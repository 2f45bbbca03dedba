import Foundation
import XCTest
@testable import Astro

/// Azimuth and elevation against astropy, and the ITRF direction built from them.
final class IonosphereHorizonTests: XCTestCase {
    /// Angle between two (azimuth, elevation) directions, radians.
    private func separation(_ a: (Double, Double), _ b: (Double, Double)) -> Double {
        let u = SIMD3(cos(a.1) * sin(a.0), cos(a.1) * cos(a.0), sin(a.1))
        let v = SIMD3(cos(b.1) * sin(b.0), cos(b.1) * cos(b.0), sin(b.1))
        let cross = SIMD3(u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x)
        return atan2((cross * cross).sum().squareRoot(), (u * v).sum())
    }

    /// ~200 random pointings above the horizon from random sites (ASKAP, LOFAR and
    /// anywhere, −89°…89°) at random times in 2019–2026, within 20″ of astropy's AltAz
    /// (which also applies UT1 − UTC and polar motion, left out here).
    func testAgreesWithAstropyAltAz() throws {
        var random = RandomStream(seed: 2019_2026)
        let lofar = GeodeticPosition(itrf: ITRFVector(x: 3_826_577.1095, y: 461_022.900196, z: 5_064_892.758))
        var pointings: [IonosphereReference.Pointing] = []
        while pointings.count < 200 {
            let site: GeodeticPosition
            switch pointings.count % 4 {
            case 0: site = .askap
            case 1: site = lofar
            default: site = GeodeticPosition(latitude: random.uniform(-89, 89), longitude: random.uniform(-180, 180),
                                             height: random.uniform(0, 5000))
            }
            let ra = random.uniform(0, 360), dec = asin(random.uniform(-1, 1)) * 180 / .pi
            let mjd = random.uniform(58_484, 61_406)  // 2019-01-01 … 2026-12-31
            // Keep the pointings comfortably above the horizon (ours; astropy is asked for all).
            let (_, elevation) = Horizon.azimuthElevation(ra: ra, dec: dec, mjdSeconds: mjd * 86_400, site: site)
            if elevation > 1 * .pi / 180 {
                pointings.append(.init(ra: ra, dec: dec, mjd: mjd, site: site))
            }
        }
        let astropy = try IonosphereReference.astropyAltAz(pointings)
        var worst = 0.0, worstAzimuth = 0.0, worstElevation = 0.0, worstSite = 0.0, largestDUT1 = 0.0
        for (k, p) in pointings.enumerated() {
            let ours = Horizon.azimuthElevation(ra: p.ra, dec: p.dec, mjdSeconds: p.mjd * 86_400, site: p.site)
            let theirs = (astropy.altaz[k][0] * .pi / 180, astropy.altaz[k][1] * .pi / 180)
            XCTAssert((0..<(2 * .pi)).contains(ours.azimuth))
            let arcseconds = separation(ours, theirs) * 180 / .pi * 3600
            XCTAssertLessThan(arcseconds, 20, "\(p): ours az \(ours.azimuth) el \(ours.elevation), astropy \(theirs)")
            worst = max(worst, arcseconds)
            var dAz = (ours.azimuth - theirs.0).remainder(dividingBy: 2 * .pi) * cos(theirs.1)
            if !dAz.isFinite { dAz = 0 }
            worstAzimuth = max(worstAzimuth, abs(dAz) * 180 / .pi * 3600)
            worstElevation = max(worstElevation, abs(ours.elevation - theirs.1) * 180 / .pi * 3600)
            largestDUT1 = max(largestDUT1, abs(astropy.dut1[k]))
            // The site's ITRF position agrees with astropy's WGS84 EarthLocation too.
            let site = p.site.itrf
            let offset = max(abs(site.x - astropy.itrf[k][0]), abs(site.y - astropy.itrf[k][1]), abs(site.z - astropy.itrf[k][2]))
            XCTAssertLessThan(offset, 1e-3, "site \(p.site) ITRF \(site) vs astropy \(astropy.itrf[k])")
            worstSite = max(worstSite, offset)
        }
        print("Horizon vs astropy AltAz: \(pointings.count) pointings 2019–2026; max separation "
            + "\(String(format: "%.2f", worst))″ (azimuth·cos el \(String(format: "%.2f", worstAzimuth))″, "
            + "elevation \(String(format: "%.2f", worstElevation))″; astropy's |UT1−UTC| up to "
            + "\(String(format: "%.3f", largestDUT1)) s); site ITRF max |Δ| \(String(format: "%.1e", worstSite)) m")
    }

    /// `direction` turns azimuth and elevation back into the apparent ITRF line of sight,
    /// and the cardinal points come out where they should.
    func testDirectionInvertsAzimuthElevation() {
        let site = GeodeticPosition.askap
        var random = RandomStream(seed: 7)
        for _ in 0..<200 {
            let ra = random.uniform(0, 360), dec = random.uniform(-90, 90), seconds = random.uniform(58_484, 61_406) * 86_400
            let (az, el) = Horizon.azimuthElevation(ra: ra, dec: dec, mjdSeconds: seconds, site: site)
            let v = Horizon.direction(azimuth: az, elevation: el, site: site)
            let w = Horizon.apparentDirection(ra: ra, dec: dec, mjdSeconds: seconds, site: site)
            XCTAssertLessThan((v - w).norm, 1e-12)
            XCTAssertEqual(v.norm, 1, accuracy: 1e-12)
        }
        let zenith = Horizon.direction(azimuth: 1.234, elevation: .pi / 2, site: site)
        XCTAssertLessThan((zenith - site.up).norm, 1e-12)
        let north = Horizon.direction(azimuth: 0, elevation: 0, site: site)
        XCTAssertEqual(north.dot(site.up), 0, accuracy: 1e-12)
        XCTAssertGreaterThan(north.z, 0, "north from the southern hemisphere points toward +z")
        let east = Horizon.direction(azimuth: .pi / 2, elevation: 0, site: site)
        let expectedEast = ITRFVector(x: -sin(site.longitude * .pi / 180), y: cos(site.longitude * .pi / 180), z: 0)
        XCTAssertLessThan((east - expectedEast).norm, 1e-12)
    }

    /// The J2000 south celestial pole stands due south at an elevation equal to the site's
    /// latitude, give or take the precession since 2000 (20″ a year, 0.15° by 2026).
    func testSouthCelestialPoleElevationEqualsLatitude() {
        for mjd in [58_484.0, 60_000.25, 61_400.75] {
            let (az, el) = Horizon.azimuthElevation(ra: 0, dec: -90, mjdSeconds: mjd * 86_400, site: .askap)
            XCTAssertEqual(el * 180 / .pi, 26.7042, accuracy: 0.2)
            XCTAssertEqual(cos(az), -1, accuracy: 1e-4, "due south")
        }
    }
}
