import Language
import Astro
import Store

/// The scans of the fields a frion product's table covers, read from the pipeline database
/// once: a field's own, or each member's of a region.
struct ScanTimes {
    private var scans: [String: (start: Double, duration: Double)] = [:]

    init(table: FieldTable, db: PipelineDatabase) throws {
        if let members = table.members {
            for m in members {
                scans[m.field] = try FrionRule.scan(databaseName: m.databaseName, sbid: m.sbid, epoch: table.epoch, in: db)
            }
        } else {
            scans[table.field] = try FrionRule.scan(databaseName: table.databaseName, sbid: table.sbid, epoch: table.epoch, in: db)
        }
    }

    func scan(_ field: String) throws -> (start: Double, duration: Double) {
        guard let s = scans[field] else { throw BuiltinRuleError.failed("frion: no scan of field \(field) in the table's members") }
        return s
    }
}

/// The ionosphere one island's spectra went through.
///
/// In a field, the island was observed in that field's scan: theta is FRion's time average
/// over it. In a region, the island's merged mosaic is the LINMOS-weighted mean of what
/// each field that sees it observed, each through its own scan's ionosphere: the merged
/// spectrum carries theta = sum_f W_f theta_f / sum_f W_f per channel, with W_f the
/// mosaic weight of field f's beams at the island (`LinmosWeight`), and that is what is divided out.
struct IslandIonosphere {
    struct Contribution {
        var field: String
        /// Per channel of `frequencies`, once computed; its channel mean for the record.
        var weight: Double
        var meanRM: Double
    }

    private let inputs: [(field: String, prediction: IonosphericPrediction, beams: [LinmosInput])]
    private let position: SkyPosition
    private let weighting: LinmosWeight
    private let isRegion: Bool
    /// Each field's share, for the record (weights filled in by `modulation`).
    private(set) var fields: [Contribution] = []

    /// The prediction recorded as the island's series: the field's, or in a region the one
    /// of the field that weighs most at the island.
    var prediction: IonosphericPrediction
    /// The RM_ion removed: the field's time average, or in a region the fields' averages
    /// weighted as the mosaic weighs them (channel-mean weights).
    var meanRM: Double

    init(table: FieldTable, island sourceID: String, position: (ra: Double, dec: Double), scans: ScanTimes,
         db: PipelineDatabase, predictor: IonospherePredictor, weighting: LinmosWeight) throws {
        self.position = SkyPosition(ra: position.ra, dec: position.dec)
        self.weighting = weighting
        isRegion = table.isRegion
        var inputs: [(field: String, prediction: IonosphericPrediction, beams: [LinmosInput])] = []
        let fieldsSeeing: [String]
        if isRegion {
            guard let island = table.islands.first(where: { $0.sourceID == sourceID }) else {
                throw BuiltinRuleError.failed("island \(sourceID) is not in the region's table")
            }
            fieldsSeeing = island.fields ?? []
            for field in fieldsSeeing {
                let beams = (island.cutouts ?? []).filter { $0.field == field && $0.stokes == "q" }.map { c in
                    LinmosInput(image: c.image, weights: c.weights,
                                beamCentre: table.beam(c.beam, field: field).map { SkyPosition(ra: $0.ra, dec: $0.dec) })
                }
                let scan = try scans.scan(field)
                inputs.append((field, try predictor.predict(ra: position.ra, dec: position.dec, start: scan.start, duration: scan.duration), beams))
            }
            guard !inputs.isEmpty else { throw BuiltinRuleError.failed("island \(sourceID): the region's table names no field that sees it") }
        } else {
            fieldsSeeing = [table.field]
            let scan = try scans.scan(table.field)
            inputs.append((table.field, try predictor.predict(ra: position.ra, dec: position.dec, start: scan.start, duration: scan.duration), []))
        }
        self.inputs = inputs
        prediction = inputs[0].prediction
        meanRM = inputs[0].prediction.meanRM
        fields = inputs.map { Contribution(field: $0.field, weight: 1, meanRM: $0.prediction.meanRM) }
    }

    /// theta per channel of `frequencies` (Hz).
    mutating func modulation(frequencies: [Double]) throws -> [Modulation] {
        guard isRegion else { return inputs[0].prediction.modulation(frequencies: frequencies) }
        var re = [Double](repeating: 0, count: frequencies.count)
        var im = re
        var total = re
        var means: [Double] = []
        var thetas: [[Modulation]] = []
        for input in inputs {
            let w: [Double]
            do { w = try weighting.sum(at: position, inputs: input.beams, frequencies: frequencies) } catch {
                throw BuiltinRuleError.failed("\(error)")
            }
            let theta = input.prediction.modulation(frequencies: frequencies)
            thetas.append(theta)
            for k in frequencies.indices {
                re[k] += w[k] * theta[k].re
                im[k] += w[k] * theta[k].im
                total[k] += w[k]
            }
            means.append(w.reduce(0, +) / Double(max(w.count, 1)))
        }
        let sum = means.reduce(0, +)
        for (i, m) in means.enumerated() { fields[i].weight = sum > 0 ? m / sum : 1 / Double(means.count) }
        meanRM = zip(fields, inputs).reduce(0) { $0 + $1.0.weight * $1.1.prediction.meanRM }
        if let heaviest = fields.indices.max(by: { fields[$0].weight < fields[$1].weight }) { prediction = inputs[heaviest].prediction }
        // A channel no beam weighs (all blank there) keeps the fields' plain mean.
        return frequencies.indices.map { k in
            if total[k] > 0 { return Modulation(re: re[k] / total[k], im: im[k] / total[k]) }
            let n = Double(thetas.count)
            return Modulation(re: thetas.reduce(0) { $0 + $1[k].re } / n, im: thetas.reduce(0) { $0 + $1[k].im } / n)
        }
    }
}
