import Foundation

/// Predicts the ionosphere's Faraday rotation toward a direction over an observation, as
/// FRion asks RMextract for it: every `timestep` seconds from one step before the scan's start
/// to one step (or a little more) after its end, the line of sight's pierce point through the
/// shell, the vertical TEC there from that day's IONEX maps, the slant factor, and the
/// geomagnetic field's component along the line of sight (World Magnetic Model):
/// RM_ion = 2.62e-6 x B_parallel (nT) x vertical TEC (TECU) x slant factor (rad/m^2).
public struct IonospherePredictor: Sendable {
    public let model: IonosphereModel
    public let library: IONEXLibrary

    public init(model: IonosphereModel, library: IONEXLibrary) {
        self.model = model
        self.library = library
    }

    /// The sample times for a scan starting at `start` (UTC, MJD seconds) lasting `duration` s.
    public func sampleTimes(start: Double, duration: Double) -> [Double] {
        let step = model.timestep
        let last = start + duration + step
        var times: [Double] = []
        var k = 0.0
        while true {
            let t = start - step + k * step
            times.append(t)
            if t >= last - 1e-6 || times.count > 1_000_000 { break }
            k += 1
        }
        return times
    }

    /// RM_ion(t) toward J2000 (ra, dec) in degrees over the scan.
    public func predict(ra: Double, dec: Double, start: Double, duration: Double) throws -> IonosphericPrediction {
        guard ra.isFinite, dec.isFinite, abs(dec) <= 90 else { throw IonosphereError.badDirection(ra: ra, dec: dec) }
        guard start.isFinite, duration.isFinite, duration >= 0 else { throw IonosphereError.badScan(start: start, duration: duration) }
        let times = sampleTimes(start: start, duration: duration)
        var rm: [Double] = [], elevations: [Double] = [], tec: [Double] = []
        rm.reserveCapacity(times.count)
        for t in times {
            let s = try sample(ra: ra, dec: dec, at: t)
            rm.append(s.rm)
            elevations.append(s.elevation)
            tec.append(s.verticalTEC)
        }
        return IonosphericPrediction(times: times, rm: rm, elevation: elevations, verticalTEC: tec)
    }

    /// One sample: RM_ion, the elevation (degrees) and the vertical TEC at time `t`.
    public func sample(ra: Double, dec: Double, at t: Double) throws -> (rm: Double, elevation: Double, verticalTEC: Double) {
        let site = model.site
        let (azimuth, elevation) = Horizon.azimuthElevation(ra: ra, dec: dec, mjdSeconds: t,
                                                            site: model.elevationModel == .pyephem ? Self.geocentricObserver(site) : site)
        let elevationDeg = elevation * 180 / .pi
        guard elevation > 0 else {
            throw IonosphereError.belowHorizon(ra: ra, dec: dec, mjdSeconds: t, elevation: elevationDeg)
        }
        let direction = Horizon.direction(azimuth: azimuth, elevation: elevation, site: site)
        guard let pierce = PiercePoint.find(site: site, direction: direction, shellHeight: model.shellHeight) else {
            throw IonosphereError.noPiercePoint(ra: ra, dec: dec, mjdSeconds: t)
        }
        let maps = try library.maps(for: UTCDay(mjdSeconds: t))
        let vtec = try maps.verticalTEC(latitude: pierce.position.latitude, longitude: pierce.position.longitude,
                                        mjdSeconds: t, interpolation: model.interpolation)
        let year = DecimalYear.of(mjdSeconds: t)
        let field = WorldMagneticModel.model(for: year).field(at: pierce.position, decimalYear: year)
        // The radiation travels toward the Earth: the field along that way is -B . direction.
        let parallel = -field.itrf(at: pierce.position).dot(direction)
        return (IonosphereModel.rmPerNanoteslaTECU * parallel * vtec * pierce.slantFactor, elevationDeg, vtec)
    }
}

extension IonospherePredictor {
    /// The site with its geocentric latitude in place of the geodetic one, as RMextract hands
    /// it to PyEphem: tan(geocentric) = (1 - e^2 N / (N + h)) tan(geodetic).
    static func geocentricObserver(_ site: GeodeticPosition) -> GeodeticPosition {
        let a = 6_378_137.0, f = 1 / 298.257223563
        let e2 = 2 * f - f * f
        let phi = site.latitude * .pi / 180
        let n = a / (1 - e2 * sin(phi) * sin(phi)).squareRoot()
        let geocentric = atan((1 - e2 * n / (n + site.height)) * tan(phi))
        return GeodeticPosition(latitude: geocentric * 180 / .pi, longitude: site.longitude, height: site.height)
    }
}

/// Why a prediction cannot be made, naming the direction and time.
public enum IonosphereError: Error, Equatable, CustomStringConvertible {
    case badDirection(ra: Double, dec: Double)
    case badScan(start: Double, duration: Double)
    case belowHorizon(ra: Double, dec: Double, mjdSeconds: Double, elevation: Double)
    case noPiercePoint(ra: Double, dec: Double, mjdSeconds: Double)

    public var description: String {
        func at(_ t: Double) -> String { "\(UTCText.iso(mjdSeconds: t)) UTC (MJD \(String(format: "%.5f", t / 86_400)))" }
        switch self {
        case .badDirection(let ra, let dec): return "not a sky direction: RA \(ra), Dec \(dec)"
        case .badScan(let s, let d): return "not a scan: start \(s) s (MJD seconds), duration \(d) s"
        case .belowHorizon(let ra, let dec, let t, let el):
            return String(format: "RA %.4f, Dec %.4f is below the horizon (elevation %.2f deg) at ", ra, dec, el) + at(t)
                + ": no ionospheric prediction (check the scan's start time and the site)"
        case .noPiercePoint(let ra, let dec, let t):
            return String(format: "the line of sight to RA %.4f, Dec %.4f does not cross the ionosphere's shell at ", ra, dec) + at(t)
        }
    }
}

/// UTC times as people read them.
public enum UTCText {
    /// `2020-01-08T03:20:00` for a UTC time in MJD seconds.
    public static func iso(mjdSeconds: Double) -> String {
        guard mjdSeconds.isFinite, abs(mjdSeconds) < 1e13 else { return "\(mjdSeconds)" }
        let date = Date(timeIntervalSince1970: mjdSeconds - 40_587 * 86_400)
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return f.string(from: date)
    }
}
