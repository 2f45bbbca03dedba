import Foundation

/// The simulated survey's ionosphere (`arrakis simulate --ionosphere`): a smooth, plausible
/// sequence of global TEC maps written as IONEX files (hourly maps on CODE's 2.5 x 5 degree
/// grid, one file per UTC day of the survey's scans), and, from those very files through
/// the pipeline's own predictor, the modulation theta(lambda^2) each component's
/// polarisation suffers in each observation. The cubes carry P_sky x theta, so the truth's
/// RM stays the sky's and the catalogue finds it only if the correction works.
struct SurveyIonosphere: Sendable {
    /// Where the maps go, relative to the survey.
    static let directory = "ionex"

    /// theta per channel, per component (index into `SkyModel.components`), per observation
    /// (index into `SurveyLayout.observations`); and the time-averaged RM_ion.
    var modulation: [Int: [Int: [Modulation]]] = [:]
    var meanRM: [Int: [Int: Double]] = [:]

    /// The vertical TEC (TECU) of the model: a daytime bulge following the Sun (peak at 14 h
    /// local time), stronger at low latitudes than near the poles, over a night-time floor,
    /// varying a little from day to day.
    static func tec(latitude: Double, longitude: Double, mjdSeconds: Double) -> Double {
        let hoursUTC = (mjdSeconds / 3600).truncatingRemainder(dividingBy: 24)
        var localHour = (hoursUTC + longitude / 15).truncatingRemainder(dividingBy: 24)
        if localHour < 0 { localHour += 24 }
        var fromPeak = localHour - 14
        if fromPeak > 12 { fromPeak -= 24 }
        if fromPeak < -12 { fromPeak += 24 }
        let day = mjdSeconds / 86_400
        let daily = 1 + 0.12 * sin(2 * Double.pi * day / 27)      // a solar-rotation-like wobble
        let lat = latitude * Double.pi / 180
        let bulge = 32 * exp(-(fromPeak * fromPeak) / (2 * 4.5 * 4.5)) * (0.3 + 0.7 * cos(lat) * cos(lat))
        return (9 + bulge) * daily
    }

    /// The UTC days whose maps the pipeline needs for these scans: an hour of margin either side
    /// (the predictor samples one step beyond each end).
    static func days(_ observations: [SurveyLayout.Observation]) -> [UTCDay] {
        var days = Set<UTCDay>()
        for o in observations {
            var d = UTCDay(mjdSeconds: o.scanStart - 3600)
            let last = UTCDay(mjdSeconds: o.scanStart + o.scanLength + 3600)
            while d <= last {
                days.insert(d)
                d = d.next
            }
        }
        return days.sorted()
    }

    /// One day's IONEX text: 25 hourly maps (00:00 to 24:00), 87.5..-87.5 by 2.5 degrees in
    /// latitude, -180..180 by 5 in longitude, 450 km shell, values in 0.1 TECU.
    static func ionexText(day: UTCDay) -> String {
        let start = day.startMJDSeconds
        let epochs = (0...24).map { start + Double($0) * 3600 }
        let latitudes = stride(from: 87.5, through: -87.5, by: -2.5).map { $0 }
        let longitudes = stride(from: -180.0, through: 180.0, by: 5.0).map { $0 }
        return IONEXWriter.text(epochs: epochs, latitudes: latitudes, longitudes: longitudes, shellHeight: 450, exponent: -1,
                                tec: { map, lat, lon in tec(latitude: lat, longitude: lon, mjdSeconds: epochs[map]) },
                                comment: "arrakis simulate --ionosphere: synthetic maps for \(day)")
    }

    /// The file name RMextract looks for: `CODGddd0.yyI`.
    static func fileName(_ day: UTCDay) -> String {
        "CODG" + String(format: "%03d0.%02dI", day.dayOfYear, day.year % 100)
    }

    /// Writes the maps under `root/ionex/` and predicts every component's modulation in every
    /// observation that can see it, with the pipeline's predictor reading those files.
    static func make(root: String, layout: SurveyLayout, sky: SkyModel, parameters p: SurveyParameters) throws -> SurveyIonosphere {
        let dir = root + "/" + directory
        try SurveySimulator.makeDirectory(dir)
        for day in days(layout.observations) {
            try SurveySimulator.writeText(ionexText(day: day), to: dir + "/" + fileName(day))
        }
        let predictor = IonospherePredictor(model: IonosphereModel(), library: IONEXLibrary(directory: IONEXDirectory(directory: dir)))
        let frequencies = (0..<p.channels).map { p.firstFrequency + Double($0) * p.channelWidth }
        // Every component within a field's images (as the renderer's reach) in each observation.
        let reach = p.beamPitch * (Double(p.beamGridSide) / 2 + 1.5) + 4 * p.restoringBeam
        var out = SurveyIonosphere()
        for (o, obs) in layout.observations.enumerated() {
            let field = layout.fields[obs.field]
            for (c, comp) in sky.components.enumerated()
            where SkyMath.separation(field.ra, field.dec, comp.ra, comp.dec) < reach {
                let prediction: IonosphericPrediction
                do {
                    prediction = try predictor.predict(ra: comp.ra, dec: comp.dec, start: obs.scanStart, duration: obs.scanLength)
                } catch {
                    throw SimulationError.badParameter("--ionosphere: field \(field.name) (epoch \(obs.epoch)): \(error)")
                }
                out.modulation[o, default: [:]][c] = prediction.modulation(frequencies: frequencies)
                out.meanRM[o, default: [:]][c] = prediction.meanRM
            }
        }
        return out
    }
}
