import Foundation
@testable import Astro

/// Constructed catalogue inputs: Stokes I rows and RM synthesis results with chosen values.
enum CatalogueFixture {
    static let field = CatalogueObservation(field: "RACS_1237+12A", epoch: 0, sbid: 8576,
                                            scanStart: 59_000 * 86_400, integrationTime: 900)
    static let beam = RestoringBeam(major: 25.0 / 3600, minor: 25.0 / 3600, positionAngle: -30)

    /// A Stokes I catalogue row as the pipeline database stores it (mJy, arcsec, deg).
    static func row(_ n: Int, ra: Double = 189.0, dec: Double = 12.0, separation: Double = 1.0,
                    peak: Double = 100, noise: Double = 0.25, source: String? = nil,
                    gaussians: Int = 1, raError: Double = 0.5, decError: Double = 0.8) -> [String: CatalogueCell] {
        [
            "Gaussian_ID": .text("RACS_1237+12A_\(n)_g"), "Source_ID": .text(source ?? "RACS_1237+12A_\(n)"),
            "Tile_ID": "RACS_1237+12A", "SBID": 8576, "Obs_Start_Time": 59_000.25, "N_Gaus": .number(Double(gaussians)),
            "RA": .number(ra), "Dec": .number(dec), "E_RA": .number(raError), "E_Dec": .number(decError),
            "Total_flux_Gaussian": .number(peak * 1.2), "E_Total_flux_Gaussian": 1.5,
            "Peak_flux": .number(peak), "E_Peak_flux": 1.0, "Maj": 30.0, "E_Maj": 1.0, "Min": 26.0, "E_Min": 1.0,
            "PA": 45.0, "E_PA": 3.0, "DC_Maj": 15.0, "E_DC_Maj": 2.0, "DC_Min": 5.0, "E_DC_Min": 2.0,
            "DC_PA": 40.0, "E_DC_PA": 5.0, "S_Code": "S", "Separation_Tile_Centre": .number(separation),
            "Noise": .number(noise), "Gal_lon": 290.0, "Gal_lat": 74.0, "Flag_Close": 0,
        ]
    }

    /// An RM synthesis result with the given headline numbers (Jy/beam, rad/m^2).
    static func synthesis(rm: Double = 25, snr: Double = 50, stokesI: Double = 0.1, fracpol: Double = 0.05,
                          channels: Int = 288, status: Int = 1, sigmaAdd: SigmaAdd = SigmaAdd(value: 0.1, minus: 0.05, plus: 0.2),
                          fwhm: Double = 50, coefficients: [Double] = [0, 0, 0.1, -0.2, -0.7, 0.1]) -> RMSynthesisResult {
        let polint = stokesI * fracpol
        let noise = polint / snr
        let peak = FDFPeak(noiseMAD: noise * 1.1, phi: rm, phiError: fwhm * noise / (2 * polint), amplitude: polint,
                           amplitudeEffective: polint, amplitudeError: noise, snr: snr, index: 50,
                           real: polint * 0.6, imaginary: polint * 0.8, angle: 26.6, angleError: 0.5,
                           angle0: 170.2, angle0Error: 1.5)
        var model = coefficients
        model[5] = stokesI
        let fit = StokesIFit(model: StokesIModel(function: .log, coefficients: model, referenceFrequency: 887.5e6),
                             errors: [0, 0, 0.5, 0.05, 0.02, 1e-4], covariance: [Double](repeating: 0, count: 36),
                             order: 3, status: status, chiSquare: 280, reducedChiSquare: 1.02, aic: 288,
                             iterations: 7, degreesOfFreedom: 284)
        return RMSynthesisResult(peak: peak, stokesI: fit, iFreq0: stokesI, lambda0Squared: 0.1201,
                                 freq0: 887.5e6, fwhmRMSF: fwhm, dQU: 3e-4, dFDFth: noise,
                                 minFrequency: 744e6, maxFrequency: 1032e6, channelCount: channels,
                                 medianChannelWidth: 1e6, fractionalPolarisation: fracpol,
                                 sigmaAddQ: sigmaAdd, sigmaAddU: sigmaAdd, sigmaAddC: sigmaAdd,
                                 axis: try! FaradayDepthAxis(maximum: 500, step: 10), fitFunction: .log)
    }

    /// An RM-CLEAN result shifting the peak by `shift` and with component width `width`.
    static func clean(of s: RMSynthesisResult, shift: Double = 0.5, width: Double? = 5) -> RMCleanResult {
        var peak = s.peak
        peak.phi += shift
        peak.amplitudeEffective *= 1.01
        peak.snr *= 1.01
        return RMCleanResult(peak: peak, cutoff: 8 * s.dFDFth, iterations: 20, componentSecondMoment: width,
                             phiErrorObserved: peak.phiError, amplitudeErrorObserved: peak.amplitudeError,
                             angleErrorObserved: peak.angleError, angle0ErrorObserved: peak.angle0Error)
    }

    static func component(_ n: Int, row: [String: CatalogueCell]? = nil, synthesis s: RMSynthesisResult? = nil,
                          clean: RMCleanResult?? = nil, observation: CatalogueObservation = field,
                          beam: RestoringBeam? = beam) -> CatalogueComponent {
        let synthesis = s ?? Self.synthesis()
        let cleaned = clean ?? Self.clean(of: synthesis)
        return CatalogueComponent(stokesI: try! StokesIComponent(row: row ?? Self.row(n)), observation: observation,
                                  beam: beam, measurement: .measured(synthesis: synthesis, clean: cleaned))
    }

    static func failure(_ n: Int, reason: String = "all channels are NaN") -> CatalogueComponent {
        CatalogueComponent(stokesI: try! StokesIComponent(row: row(n)), observation: field, beam: beam,
                           measurement: .failed(reason: reason, channels: 0))
    }

    /// A field of `count` measured components scattered over ~4 deg around (189, 12), with
    /// deterministic RMs near 10 rad/m^2 and fracpol rising with separation.
    static func field(count: Int, seed: UInt64 = 7) -> [CatalogueComponent] {
        var noise = GaussianNoise(seed: seed)
        return (0..<count).map { n in
            let ra = 189 + 4 * noise.uniform() - 2, dec = 12 + 4 * noise.uniform() - 2
            let separation = SkyMath.separation(189, 12, ra, dec)
            let fracpol = 0.005 + 0.004 * separation + 0.002 * abs(noise.next())
            let s = synthesis(rm: 10 + 2 * noise.next(), snr: 20 + 10 * noise.uniform(), fracpol: fracpol)
            return component(n, row: row(n, ra: ra, dec: dec, separation: separation), synthesis: s)
        }
    }
}

/// Runs `rmtable_check.py` on a catalogue file: the rmtable package's checks and astropy's
/// reading of it.
enum RMTableCheck {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Support/rmtable_check.py").path

    /// Nil when python3 can import rmtable, otherwise why not.
    static let unavailable: String? = {
        guard let result = try? run(["-c", "import rmtable, astropy, numpy"]) else { return "cannot run python3" }
        return result.status == 0 ? nil : "python3 cannot import rmtable (run scripts/install-deps.sh --test): \(result.stderr)"
    }()

    struct Column: Decodable {
        var name: String
        var unit: String?
        var ucd: String?
        var description: String?
        var kind: String
        var values: [Cell]
    }

    enum Cell: Decodable, Equatable {
        case number(Double), text(String), logical(Bool), null
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let b = try? c.decode(Bool.self) { self = .logical(b) }
            else if let d = try? c.decode(Double.self) { self = .number(d) }
            else { self = .text(try c.decode(String.self)) }
        }
        var number: Double? { if case .number(let d) = self { return d }; return nil }
    }

    struct Report: Decodable {
        var rows: Int
        var columns: [Column]
        var verify_standard_strings: String
        var verify_limits: String
        var verify_ucds: String?
        var strict_ucd_errors: [String]
        var nonstandard_complex_test: [String]
        var votable_warnings: [String]
        var read_warnings: [String]

        /// astropy's objections to the VOTable besides W50 on `Jy/beam`: VOTable 1.3 units are
        /// CDS units, which have no beam (VOUnit, adopted by VOTable 1.4, has it; CASDA's own
        /// 1.3 catalogues use mJy/beam). The per-beam flux densities keep their true unit.
        var unexpectedVOTableWarnings: [String] {
            votable_warnings.filter { !($0.contains("W50") && $0.contains("'Jy/beam'")) }
        }

        /// RMTable.read's warnings besides those of its `_unmask` for non-standard columns
        /// that astropy's VOTable reader returns masked with a kind rmtable has no fill
        /// value for (booleans, variable-length strings); nothing is masked, so nothing is filled.
        func unexpectedReadWarnings(standard: [String]) -> [String] {
            read_warnings.filter { warning in
                let prefix = "Could not find a fill value for ", suffix = " - using None"
                guard warning.hasPrefix(prefix), warning.hasSuffix(suffix) else { return true }
                let name = String(warning.dropFirst(prefix.count).dropLast(suffix.count))
                return standard.contains(name)
            }
        }

        func column(_ name: String) -> Column? { columns.first { $0.name == name } }
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    static func check(_ path: String) throws -> Report {
        let result = try run([script, path])
        guard result.status == 0 else {
            throw Failure(description: "rmtable_check.py exited with \(result.status): \(result.stderr)")
        }
        return try JSONDecoder().decode(Report.self, from: result.stdout)
    }

    private static func run(_ arguments: [String]) throws -> (status: Int32, stdout: Data, stderr: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rmtable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("out.json"), errURL = directory.appendingPathComponent("err.txt")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, try Data(contentsOf: outURL),
                (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }
}
