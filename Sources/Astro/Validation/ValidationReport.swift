import Foundation

/// Stage 7 (validation) of a polarisation catalogue: noise and leakage over the sky, the RM
/// bubble plot and distribution, and, for a simulated survey, RM recovered against injected;
/// with the summary numbers for the report (`html`).
public struct ValidationReport: Sendable {
    /// The detection threshold of the catalogue's snr_flag.
    public static let detectionSNR = 8.0
    /// Leakage is measured on sources with stokesI / stokesI_err above this (as the original).
    public static let leakageSNR = 50.0

    let columns: ValidationColumns
    let truth: TruthTable?
    public let summary: ValidationSummary

    /// `catalogueFile` names the catalogue in errors.
    public init(catalogue: PolarisationCatalogue, catalogueFile: String, truth: TruthTable? = nil) throws {
        columns = try ValidationColumns(catalogue, file: catalogueFile)
        self.truth = truth
        summary = ValidationSummary(columns, truth: truth)
    }

    /// Reads the catalogue (FITS, as `catalogue` and `survey_catalogue` write it) and the
    /// truth table if given.
    public init(catalogueFITS path: String, truthCSV: String? = nil) throws {
        let catalogue: PolarisationCatalogue
        do { catalogue = try PolarisationCatalogue.readFITS(path) } catch {
            throw ValidationError.unreadable(file: path, reason: "\(error)")
        }
        try self.init(catalogue: catalogue, catalogueFile: path, truth: try truthCSV.map(TruthTable.read))
    }

    public var hasTruth: Bool { truth != nil }

    public func image(_ plot: ValidationPlot) throws -> PNGImage {
        let c = columns
        switch plot {
        case .noiseI:
            return skyMap(plot, values: c.stokesIError.map { $0 * 1e6 }, label: "stokesI_err (uJy/beam)")
        case .noiseQ:
            return skyMap(plot, values: c.stokesQError.map { $0 * 1e6 }, label: "stokesQ_err (uJy/beam)")
        case .noiseU:
            return skyMap(plot, values: c.stokesUError.map { $0 * 1e6 }, label: "stokesU_err (uJy/beam)")
        case .noiseFDF:
            return skyMap(plot, values: c.fdfNoise.map { $0 * 1e6 }, label: "fdf_noise_mad (uJy/beam)")
        case .leakageQ:
            return BinnedSkyMap(title: "Q/I over the sky (I/dI > 50, binned)", label: "Q/I", ra: c.ra, dec: c.dec,
                                values: c.fractionalQ(snr: Self.leakageSNR)).image()
        case .leakageU:
            return BinnedSkyMap(title: "U/I over the sky (I/dI > 50, binned)", label: "U/I", ra: c.ra, dec: c.dec,
                                values: c.fractionalU(snr: Self.leakageSNR)).image()
        case .leakageRadial:
            return leakageRadial()
        case .rmSky:
            return rmBubbles()
        case .rmHistogram:
            return HistogramPlot(title: "RM distribution", label: "RM (rad/m\u{00B2})", values: c.rm, bins: 24).image()
        case .rmTruth:
            let truth = truth ?? TruthTable(path: "", rows: [:])
            var x: [Double] = [], y: [Double] = [], e: [Double] = [], colours: [Colour] = []
            for i in 0..<c.count {
                guard let t = truth.rows[c.catID[i]], c.rm[i].isFinite else { continue }
                x.append(t.rm); y.append(c.rm[i]); e.append(c.rmError[i])
                colours.append(c.snr[i] >= Self.detectionSNR ? .blue : .grey)
            }
            return ComparisonPlot(title: "RM recovered vs injected", xLabel: "injected RM (rad/m\u{00B2})",
                                  yLabel: "catalogue RM (rad/m\u{00B2})", x: x, y: y, yError: e, colours: colours,
                                  legend: [LegendEntry("snr >= 8", .blue), LegendEntry("snr < 8", .grey)],
                                  emptyNote: hasTruth ? "no RM matches the truth table" : "no truth table").image()
        }
    }

    private func skyMap(_ plot: ValidationPlot, values: [Double], label: String) -> PNGImage {
        let scale = ColourScale(map: .viridis, values: values, label: label)
        return ScatterPlot.skyMap(title: label + " over the sky", ra: columns.ra, dec: columns.dec, values: values,
                                  scale: scale).image()
    }

    private func leakageRadial() -> PNGImage {
        let c = columns
        let q = c.fractionalQ(snr: Self.leakageSNR), u = c.fractionalU(snr: Self.leakageSNR)
        var points: [ScatterPoint] = []
        for i in 0..<c.count where c.beamDistance[i].isFinite {
            if q[i].isFinite { points.append(ScatterPoint(x: c.beamDistance[i], y: q[i], colour: .blue, radius: 3)) }
            if u[i].isFinite { points.append(ScatterPoint(x: c.beamDistance[i], y: u[i], colour: .orange, radius: 3)) }
            if c.leakage[i].isFinite { points.append(ScatterPoint(x: c.beamDistance[i], y: c.leakage[i], colour: .red, radius: 2)) }
        }
        return ScatterPlot(title: "Leakage against distance from the tile centre (I/dI > 50)",
                           x: PlotAxis(label: "beamdist (deg)", covering: points.map(\.x)),
                           y: PlotAxis(label: "fraction of Stokes I", covering: points.map(\.y)), points: points,
                           legend: [LegendEntry("Q/I", .blue), LegendEntry("U/I", .orange)]
                               + (c.leakage.contains(where: \.isFinite) ? [LegendEntry("leakage envelope", .red)] : []),
                           note: points.isEmpty ? "no data" : nil).image()
    }

    /// Rings sqrt(2|RM|) pixels across (the original's matplotlib `s = 2|RM|` at 72 dpi) at the
    /// unflagged RMs, red positive, blue negative.
    private func rmBubbles() -> PNGImage {
        let c = columns
        let keep = (0..<c.count).filter { c.unflagged[$0] && c.rm[$0].isFinite && c.ra[$0].isFinite && c.dec[$0].isFinite }
        func radius(_ rm: Double) -> Double { max(1.5, (2 * abs(rm)).squareRoot() / 2) }
        let points = keep.map { i in
            ScatterPoint(x: c.ra[i], y: c.dec[i], colour: c.rm[i] >= 0 ? .red : .blue, radius: radius(c.rm[i]), hollow: true)
        }
        let legend = [-100.0, -10, 10, 100].map {
            LegendEntry(String(format: "%+.0f rad/m\u{00B2}", $0), $0 < 0 ? .blue : .red, radius: radius($0), hollow: true)
        }
        return ScatterPlot(title: "RM bubble plot (\(keep.count) of \(c.count) rows unflagged)",
                           x: PlotAxis(label: "RA (deg)", covering: c.ra, padding: 0.08, reversed: true),
                           y: PlotAxis(label: "Dec (deg)", covering: c.dec, padding: 0.08), points: points,
                           legend: legend, note: keep.isEmpty ? "no unflagged RMs" : nil).image()
    }
}
