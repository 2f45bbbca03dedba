import Foundation

/// Stage 7 (validation) of a polarisation catalogue: noise and leakage over the sky, the RM
/// bubble plot and distribution, and, for a simulated survey, RM recovered against injected;
/// with the summary numbers for the report (`html`).
public struct ValidationReport: Sendable {
    /// The detection threshold of the catalogue's snr_flag.
    public static let detectionSNR = 8.0

    let columns: ValidationColumns
    let truth: TruthTable?
    public let summary: ValidationSummary

    /// `catalogueFile` names the catalogue in errors.
    public init(catalogue: PolarisationCatalogue, catalogueFile: String, truth: TruthTable? = nil) throws {
        columns = try ValidationColumns(catalogue, file: catalogueFile)
        self.truth = truth
        summary = Self.summarise(columns, truth)
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
            return skyMap(plot, values: c.stokesIError.map { $0 * 1000 }, label: "stokesI_err (mJy/beam)")
        case .noiseQU:
            return skyMap(plot, values: c.noiseChannel.map { $0 * 1000 }, label: "noise_chan (mJy/beam)")
        case .noiseFDF:
            return skyMap(plot, values: c.fdfNoise.map { $0 * 1000 }, label: "fdf_noise_mad (mJy/beam)")
        case .leakageQ:
            return skyMap(plot, values: c.fractionalQ, label: "Q/I", diverging: true)
        case .leakageU:
            return skyMap(plot, values: c.fractionalU, label: "U/I", diverging: true)
        case .leakageRadial:
            return leakageRadial()
        case .rmSky:
            return rmBubbles()
        case .rmHistogram:
            return HistogramPlot(title: "RM distribution", label: "RM (rad/m\u{00B2})", values: c.rm, bins: 24).image()
        case .rmTruth:
            guard let truth else { throw ValidationError.needsTruth(plot: plot.rawValue) }
            var x: [Double] = [], y: [Double] = [], e: [Double] = [], colours: [Colour] = []
            for i in 0..<c.count {
                guard let t = truth.rows[c.catID[i]], c.rm[i].isFinite else { continue }
                x.append(t.rm); y.append(c.rm[i]); e.append(c.rmError[i])
                colours.append(c.snr[i] >= Self.detectionSNR ? .blue : .grey)
            }
            return ComparisonPlot(title: "RM recovered vs injected", xLabel: "injected RM (rad/m\u{00B2})",
                                  yLabel: "catalogue RM (rad/m\u{00B2})", x: x, y: y, yError: e, colours: colours,
                                  legend: [LegendEntry("snr >= 8", .blue), LegendEntry("snr < 8", .grey)]).image()
        }
    }

    private func skyMap(_ plot: ValidationPlot, values: [Double], label: String, diverging: Bool = false) -> PNGImage {
        let scale = ColourScale(map: diverging ? .blueWhiteRed : .viridis, values: values, label: label, symmetric: diverging)
        return ScatterPlot.skyMap(title: label + " over the sky", ra: columns.ra, dec: columns.dec, values: values,
                                  scale: scale).image()
    }

    private func leakageRadial() -> PNGImage {
        let c = columns
        let q = c.fractionalQ, u = c.fractionalU
        var points: [ScatterPoint] = []
        for i in 0..<c.count where c.beamDistance[i].isFinite {
            if q[i].isFinite { points.append(ScatterPoint(x: c.beamDistance[i], y: q[i], colour: .blue, radius: 3)) }
            if u[i].isFinite { points.append(ScatterPoint(x: c.beamDistance[i], y: u[i], colour: .orange, radius: 3)) }
            if c.leakage[i].isFinite { points.append(ScatterPoint(x: c.beamDistance[i], y: c.leakage[i], colour: .red, radius: 2)) }
        }
        return ScatterPlot(title: "Leakage against distance from the tile centre",
                           x: PlotAxis(label: "beamdist (deg)", covering: points.map(\.x)),
                           y: PlotAxis(label: "fraction of Stokes I", covering: points.map(\.y)), points: points,
                           legend: [LegendEntry("Q/I", .blue), LegendEntry("U/I", .orange), LegendEntry("leakage envelope", .red)],
                           note: points.isEmpty ? "no data" : nil).image()
    }

    private func rmBubbles() -> PNGImage {
        let c = columns
        let keep = (0..<c.count).filter { c.rm[$0].isFinite && c.ra[$0].isFinite && c.dec[$0].isFinite }
        let largest = keep.map { abs(c.rm[$0]) }.max() ?? 1
        let points = keep.map { i -> ScatterPoint in
            let detected = c.snr[i] >= Self.detectionSNR
            let colour: Colour = !detected ? .grey : c.rm[i] >= 0 ? .red : .blue
            return ScatterPoint(x: c.ra[i], y: c.dec[i], colour: colour, radius: 2 + 14 * abs(c.rm[i]) / max(largest, 1e-9))
        }
        return ScatterPlot(title: "RM bubble plot", x: PlotAxis(label: "RA (deg)", covering: keep.map { c.ra[$0] }, padding: 0.08, reversed: true),
                           y: PlotAxis(label: "Dec (deg)", covering: keep.map { c.dec[$0] }, padding: 0.08), points: points,
                           legend: [LegendEntry("RM > 0", .red), LegendEntry("RM < 0", .blue), LegendEntry("snr < 8", .grey)],
                           note: keep.isEmpty ? "no RMs" : nil).image()
    }

    private static func summarise(_ c: ValidationColumns, _ truth: TruthTable?) -> ValidationSummary {
        var s = ValidationSummary()
        s.rows = c.count
        s.fields = Set(c.field).count
        s.epochs = Set(c.fieldEpoch.compactMap { $0 }).count
        s.withRM = c.rm.filter(\.isFinite).count
        s.detections = c.snr.filter { $0 >= detectionSNR }.count
        s.medianNoiseI = finiteMedian(c.stokesIError)
        s.medianNoiseQU = finiteMedian(c.noiseChannel)
        s.medianNoiseFDF = finiteMedian(c.fdfNoise)
        s.medianAbsQ = finiteMedian(c.fractionalQ.map(abs))
        s.medianAbsU = finiteMedian(c.fractionalU.map(abs))
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
                if c.snr[i] >= detectionSNR {
                    detected += 1
                    if within { goodDetected += 1 }
                }
            }
            s.matched = matched
            s.within3Sigma = measured > 0 ? Double(good) / Double(measured) : .nan
            s.within3SigmaDetections = detected > 0 ? Double(goodDetected) / Double(detected) : .nan
            s.medianRMOffset = finiteMedian(offsets)
        }
        return s
    }
}
