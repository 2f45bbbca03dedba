import Foundation
@testable import Astro

/// Runs the reference scripts next to this file (RMextract, astropy) for the ionosphere
/// geometry tests: one Python process per batch, JSON on stdin and stdout.
///
/// A missing package is a failure, not a skip: the comparisons are what the tests are for.
enum IonosphereReference {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    struct RMextractResult: Decodable {
        /// north, east, down, x, y, z (nT) for each WMM point.
        var wmm: [[Double]]
        /// x, y, z (m) and airmass for each pierce point.
        var pp: [[Double]]
    }

    /// A WMM evaluation request: date (decimal year), geodetic latitude and longitude
    /// (degrees), height (km, RMextract's unit).
    struct FieldPoint {
        var year: Double, latitude: Double, longitude: Double, heightKm: Double
    }

    /// RMextract's WMM (`EMM.WMM().getNED()`, `getXYZ()`) at `fields` and its pierce points
    /// (`PosTools.getPP`) for rays from ITRF `site` along unit `direction` to `shellHeight` metres.
    static func rmextract(fields: [FieldPoint] = [],
                          piercePoints: [(site: ITRFVector, direction: ITRFVector, shellHeight: Double)] = [])
        throws -> RMextractResult
    {
        let wmm = fields.map { "[\($0.year), \($0.latitude), \($0.longitude), \($0.heightKm)]" }
        let pp = piercePoints.map {
            "[\($0.site.x), \($0.site.y), \($0.site.z), \($0.direction.x), \($0.direction.y), \($0.direction.z), \($0.shellHeight)]"
        }
        let request = "{\"wmm\": [\(wmm.joined(separator: ", "))], \"pp\": [\(pp.joined(separator: ", "))]}"
        let result: RMextractResult = try run("ionosphere_rmextract.py", request)
        guard result.wmm.count == fields.count, result.pp.count == piercePoints.count,
              result.wmm.allSatisfy({ $0.count == 6 }), result.pp.allSatisfy({ $0.count == 4 })
        else { throw Failure(description: "ionosphere_rmextract.py answered the wrong number of values") }
        return result
    }

    struct AstropyResult: Decodable {
        /// Azimuth and altitude, degrees.
        var altaz: [[Double]]
        /// The site's ITRF position from EarthLocation.from_geodetic, metres.
        var itrf: [[Double]]
        /// UT1 − UTC, seconds.
        var dut1: [Double]
    }

    /// One pointing: ICRS (ra, dec) in degrees, a UTC MJD, and the site.
    struct Pointing {
        var ra: Double, dec: Double, mjd: Double, site: GeodeticPosition
    }

    /// astropy's ICRS → AltAz (no refraction) for each pointing.
    static func astropyAltAz(_ pointings: [Pointing]) throws -> AstropyResult {
        let points = pointings.map {
            "[\($0.ra), \($0.dec), \($0.mjd), \($0.site.latitude), \($0.site.longitude), \($0.site.height)]"
        }
        let result: AstropyResult = try run("ionosphere_astropy_altaz.py",
                                            "{\"points\": [\(points.joined(separator: ", "))]}")
        guard result.altaz.count == pointings.count, result.itrf.count == pointings.count,
              result.dut1.count == pointings.count
        else { throw Failure(description: "ionosphere_astropy_altaz.py answered the wrong number of values") }
        return result
    }

    private static func run<T: Decodable>(_ script: String, _ request: String) throws -> T {
        let path = directory.appendingPathComponent(script).path
        let result = try Astropy.run([path], input: Data(request.utf8))
        guard result.status == 0 else {
            throw Failure(description: "\(script) exited with \(result.status) (the reference packages are required, "
                + "not optional: pip install RMextract==0.5.1 astropy): \(result.stderr)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: result.stdout)
        } catch {
            throw Failure(description: "\(script) answered unreadable JSON (\(error)); stderr: \(result.stderr)")
        }
    }
}
