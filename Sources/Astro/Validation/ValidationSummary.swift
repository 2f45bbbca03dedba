import Foundation

/// The numbers at the top of a validation report.
public struct ValidationSummary: Sendable {
    public var rows = 0
    public var fields = 0
    public var epochs = 0
    /// Rows with a finite RM.
    public var withRM = 0
    /// Rows with snr_polint >= 8.
    public var detections = 0
    /// Rows with an RM and none of the snr, leakage, channel, Stokes I fit, local RM flags.
    public var unflagged = 0
    /// Rows with stokesI / stokesI_err > 50 (those the leakage numbers use).
    public var bright = 0
    /// Medians in Jy/beam.
    public var medianNoiseI = Double.nan
    public var medianNoiseQ = Double.nan
    public var medianNoiseU = Double.nan
    public var medianNoiseChannel = Double.nan
    public var medianNoiseFDF = Double.nan
    /// Medians of |Q/I| and |U/I| over the bright rows.
    public var medianAbsQ = Double.nan
    public var medianAbsU = Double.nan
    /// With a truth table: rows matched to it by Gaussian ID.
    public var matched: Int?
    /// Fraction of matched rows with an RM whose |RM - RM_true| < 3 rm_err.
    public var within3Sigma: Double?
    /// The same among the detections.
    public var within3SigmaDetections: Double?
    public var medianRMOffset: Double?

    /// Label and value of each line, for the report's table.
    public var lines: [(String, String)] {
        func g(_ v: Double) -> String { v.isFinite ? String(format: "%.4g", v) : "n/a" }
        func uJy(_ v: Double) -> String { v.isFinite ? String(format: "%.4g uJy/beam", v * 1e6) : "n/a" }
        func pct(_ v: Double?) -> String { v.map { $0.isFinite ? String(format: "%.1f %%", 100 * $0) : "n/a" } ?? "n/a" }
        var out: [(String, String)] = [
            ("catalogue rows", "\(rows)"), ("fields", "\(fields)"), ("epochs", "\(epochs)"),
            ("rows with an RM", "\(withRM)"), ("rows with snr_polint >= 8", "\(detections)"),
            ("rows with an RM and no flag (bubble plot)", "\(unflagged)"),
            ("median Stokes I noise (stokesI_err)", uJy(medianNoiseI)),
            ("median Stokes Q noise (stokesQ_err)", uJy(medianNoiseQ)),
            ("median Stokes U noise (stokesU_err)", uJy(medianNoiseU)),
            ("median channel noise (noise_chan)", uJy(medianNoiseChannel)),
            ("median FDF noise (fdf_noise_mad)", uJy(medianNoiseFDF)),
            ("rows with I/dI > 50 (leakage)", "\(bright)"),
            ("median |Q/I| (I/dI > 50)", g(medianAbsQ)), ("median |U/I| (I/dI > 50)", g(medianAbsU)),
        ]
        if let matched {
            out.append(("rows matched to truth.csv", "\(matched)"))
            out.append(("|RM - RM_true| < 3 rm_err (rows with an RM)", pct(within3Sigma)))
            out.append(("|RM - RM_true| < 3 rm_err (snr_polint >= 8)", pct(within3SigmaDetections)))
            out.append(("median RM - RM_true (rad/m\u{00B2})", g(medianRMOffset ?? .nan)))
        }
        return out
    }
}

extension ValidationSummary {
    /// The numbers of a catalogue's columns (and the truth table, if any).
    init(_ c: ValidationColumns, truth: TruthTable?) {
        var s = ValidationSummary()
        s.rows = c.count
        s.fields = Set(c.field).count
        s.epochs = Set(c.fieldEpoch.compactMap { $0 }).count
        s.withRM = c.rm.filter(\.isFinite).count
        s.detections = c.snr.filter { $0 >= ValidationReport.detectionSNR }.count
        s.medianNoiseI = finiteMedian(c.stokesIError)
        s.medianNoiseQ = finiteMedian(c.stokesQError)
        s.medianNoiseU = finiteMedian(c.stokesUError)
        s.medianNoiseChannel = finiteMedian(c.noiseChannel)
        s.medianNoiseFDF = finiteMedian(c.fdfNoise)
        s.unflagged = (0..<c.count).filter { c.unflagged[$0] && c.rm[$0].isFinite }.count
        s.bright = (0..<c.count).filter { c.bright($0, snr: ValidationReport.leakageSNR) }.count
        s.medianAbsQ = finiteMedian(c.fractionalQ(snr: ValidationReport.leakageSNR).map(abs))
        s.medianAbsU = finiteMedian(c.fractionalU(snr: ValidationReport.leakageSNR).map(abs))
        if let truth {
            var matched = 0, measured = 0, good = 0, detected = 0, goodDetected = 0
            var offsets: [Double] = []
            for i in 0..<c.count {
                guard let t = truth.rows[c.catID[i]] else { continue }
                matched += 1
                guard c.rm[i].isFinite, c.rmError[i].isFinite else { continue }
                let within = abs(c.rm[i] - t.rm) < 3 * c.rmError[i]
                measured += 1
                offsets.append(c.rm[i] - t.rm)
                if within { good += 1 }
                if c.snr[i] >= ValidationReport.detectionSNR {
                    detected += 1
                    if within { goodDetected += 1 }
                }
            }
            s.matched = matched
            s.within3Sigma = measured > 0 ? Double(good) / Double(measured) : .nan
            s.within3SigmaDetections = detected > 0 ? Double(goodDetected) / Double(detected) : .nan
            s.medianRMOffset = finiteMedian(offsets)
        }
        self = s
    }
}
