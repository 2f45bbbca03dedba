import ArgumentParser
import Astro
import Foundation

/// `arrakis frion`: the ionosphere's Faraday rotation toward one direction over one scan, as
/// the `frion` rule predicts it for an island (FRion's `frion_predict`), for checking a field
/// or comparing with another tool.
struct FrionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frion",
        abstract: "Predict the ionosphere's RM over a scan toward a direction, and its modulation theta (FRion's model).",
        discussion: """
            Prints one line per sample (every --timestep seconds from one step before the start to one
            step after the end): UTC time, elevation (deg), vertical TEC at the pierce point (TECU) and
            RM_ion (rad/m^2); then the time-averaged RM_ion. With --channels, theta per channel
            (freq, Re, Im, |theta|). --json prints all of it as one JSON object.
            """ + CommandExamples.frion)

    @Option(help: "Right ascension, J2000, degrees.") var ra: Double
    @Option(help: "Declination, J2000, degrees.") var dec: Double
    @Option(help: "Scan start, UTC: 2020-01-08T02:00:00, or an MJD (days).") var start: String
    @Option(help: "Scan length, seconds.") var duration: Double = 900
    @Option(help: "Directory of IONEX files (CODGddd0.yyI or the long names; plain, .Z or .gz).") var ionex: String
    @Option(help: "The maps' prefix in the old names (codg: CODE final).") var prefix = "codg"
    @Option(help: "URL template to download a missing day: {yyyy} {yy} {ddd} {prefix} {PREFIX}.") var url: String?
    @Option(help: "Seconds between samples.") var timestep: Double = 300
    @Option(help: "Shell height, km.") var shellHeight: Double = 450
    @Option(help: "TEC between maps: linear (RMextract's) or rotated (IONEX 1.1's method 3).")
    var interpolation: IONEXMaps.TimeInterpolation = .linear
    @Option(help: "rigorous, or pyephem: RMextract's elevations without python-casacore (geocentric observer latitude), to compare with such a FRion run.")
    var elevationModel: IonosphereModel.ElevationModel = .rigorous
    @Option(help: "Site geodetic latitude, degrees (ASKAP).") var siteLatitude = GeodeticPosition.askap.latitude
    @Option(help: "Site longitude, degrees east (ASKAP).") var siteLongitude = GeodeticPosition.askap.longitude
    @Option(help: "Site height above the ellipsoid, metres (ASKAP).") var siteHeight = GeodeticPosition.askap.height
    @Option(help: "Channels for theta (0: none).") var channels = 0
    @Option(help: "First channel's frequency, Hz.") var firstFrequency = 743.5e6
    @Option(help: "Channel width, Hz.") var channelWidth = 8e6
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        try OptionRange.check(ra, atLeast: -360, atMost: 720, "--ra")
        try OptionRange.check(dec, atLeast: -90, atMost: 90, "--dec")
        try OptionRange.check(duration, atLeast: 0, atMost: 7 * 86_400, "--duration")
        try OptionRange.check(timestep, atLeast: 1, atMost: 86_400, "--timestep")
        try OptionRange.check(shellHeight, above: 0, atMost: 20_000, "--shell-height")
        try OptionRange.check(siteLatitude, atLeast: -90, atMost: 90, "--site-latitude")
        try OptionRange.check(siteLongitude, atLeast: -180, atMost: 360, "--site-longitude")
        try OptionRange.check(siteHeight, atLeast: -1000, atMost: 10_000, "--site-height")
        try OptionRange.check(channels, 0...100_000, "--channels")
        try OptionRange.check(firstFrequency, above: 0, atMost: 1e12, "--first-frequency")
        try OptionRange.check(channelWidth, atLeast: -1e12, atMost: 1e12, "--channel-width")
        guard Self.mjdSeconds(start) != nil else {
            throw ValidationError("--start must be a UTC time like 2020-01-08T02:00:00 or an MJD, not \(start)")
        }
    }

    /// UTC as MJD seconds from ISO 8601 (`YYYY-MM-DDThh:mm:ss[.s]`, optional `Z`) or MJD days.
    static func mjdSeconds(_ text: String) -> Double? {
        if let mjd = Double(text), mjd.isFinite, mjd > 0, mjd < 1e6 { return mjd * 86_400 }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        for format in ["yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd"] {
            f.dateFormat = format
            let t = text.hasSuffix("Z") ? String(text.dropLast()) : text
            if let d = f.date(from: t) { return d.timeIntervalSince1970 + 40_587 * 86_400 }
        }
        return nil
    }

    func run() throws {
        var model = IonosphereModel()
        model.site = GeodeticPosition(latitude: siteLatitude, longitude: siteLongitude, height: siteHeight)
        model.shellHeight = shellHeight * 1000
        model.timestep = timestep
        model.interpolation = interpolation
        model.elevationModel = elevationModel
        let library = IONEXLibrary(directory: IONEXDirectory(directory: ionex, prefix: prefix, urlTemplate: url))
        let predictor = IonospherePredictor(model: model, library: library)
        let prediction: IonosphericPrediction
        do {
            prediction = try predictor.predict(ra: ra, dec: dec, start: Self.mjdSeconds(start)!, duration: duration)
        } catch {
            fail(error)
        }
        let frequencies = (0..<channels).map { firstFrequency + Double($0) * channelWidth }
        let theta = prediction.modulation(frequencies: frequencies)
        if json {
            func list(_ v: [Double]) -> String { "[" + v.map { $0.isFinite ? "\($0)" : "null" }.joined(separator: ", ") + "]" }
            var out = "{\"times\": \(list(prediction.times)), \"elevation\": \(list(prediction.elevation)), "
            out += "\"vtec\": \(list(prediction.verticalTEC)), \"rm\": \(list(prediction.rm)), \"mean_rm\": \(prediction.meanRM), "
            out += "\"ionex\": [" + library.filesRead.map { "\"\($0)\"" }.joined(separator: ", ") + "], "
            out += "\"freq\": \(list(frequencies)), \"theta_re\": \(list(theta.map(\.re))), \"theta_im\": \(list(theta.map(\.im)))}\n"
            printOut(out)
            return
        }
        var out = "# time_utc elevation_deg vtec_tecu rm_ion_rad_m2\n"
        for k in prediction.times.indices {
            out += String(format: "%@ %.3f %.3f %.5f\n", UTCText.iso(mjdSeconds: prediction.times[k]), prediction.elevation[k],
                          prediction.verticalTEC[k], prediction.rm[k])
        }
        out += String(format: "# mean RM_ion %.5f rad/m^2 (IONEX: %@)\n", prediction.meanRM, library.filesRead.joined(separator: ", "))
        if !theta.isEmpty {
            out += "# freq_hz theta_re theta_im abs_theta\n"
            for (nu, t) in zip(frequencies, theta) { out += String(format: "%.1f %.6f %.6f %.6f\n", nu, t.re, t.im, t.magnitude) }
        }
        printOut(out)
    }
}
