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
    /// Medians in Jy/beam.
    public var medianNoiseI = Double.nan
    public var medianNoiseQU = Double.nan
    public var medianNoiseFDF = Double.nan
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
        func mJy(_ v: Double) -> String { v.isFinite ? String(format: "%.4g mJy/beam", v * 1000) : "n/a" }
        func pct(_ v: Double?) -> String { v.map { $0.isFinite ? String(format: "%.1f %%", 100 * $0) : "n/a" } ?? "n/a" }
        var out: [(String, String)] = [
            ("catalogue rows", "\(rows)"), ("fields", "\(fields)"), ("epochs", "\(epochs)"),
            ("rows with an RM", "\(withRM)"), ("rows with snr_polint >= 8", "\(detections)"),
            ("median Stokes I noise (stokesI_err)", mJy(medianNoiseI)),
            ("median Q/U channel noise (noise_chan)", mJy(medianNoiseQU)),
            ("median FDF noise (fdf_noise_mad)", mJy(medianNoiseFDF)),
            ("median |Q/I|", g(medianAbsQ)), ("median |U/I|", g(medianAbsU)),
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
