import Dispatch
import Foundation

/// `arrakis simulate --catalogue-only`: the Stokes I catalogue (islands and components as
/// CSV tables with RACS-DR1 columns), the RACS database and the truth table of a survey,
/// without cubes; for loading tests at full-survey scale (2,000,000 components over
/// 1,500 fields x 36 beams).
///
/// Rows are generated field by field from streams derived from the seed and the field,
/// several fields at a time on all cores, and streamed to disk in field order: the
/// output does not depend on the number of threads, and memory stays small.
public struct CatalogueSurvey: Sendable {
    public let parameters: SurveyParameters
    public let layout: SurveyLayout

    public enum Paths {
        public static let islands = "catalogues/RACS-DR1_islands.csv"
        public static let components = "catalogues/RACS-DR1_components.csv"
    }

    /// Restoring beam of the catalogue (arcsec), as RACS-low DR1's 25" common resolution.
    static let beamArcsec = 25.0

    public init(_ parameters: SurveyParameters) throws {
        try parameters.validate()
        self.parameters = parameters
        self.layout = SurveyLayout(parameters)
    }

    static let islandHeader = "Source_Name,Source_ID,Tile_ID,SBID,N_Gaus,RA,Dec,E_RA,E_Dec,Total_flux_Source,E_Total_flux_Source,Peak_flux,E_Peak_flux,Maj,Min,PA,S_Code,Noise"
    static let componentHeader = "Source_Name,Source_ID,Gaussian_ID,Tile_ID,SBID,N_Gaus,RA,Dec,E_RA,E_Dec,Total_flux_Source,Total_flux_Gaussian,E_Total_flux_Gaussian,Peak_flux,E_Peak_flux,Maj,E_Maj,Min,E_Min,PA,E_PA,S_Code,Noise"
    static let truthHeader = "gaussian_id,source_id,ra,dec,flux,spectral_index,frac_pol,rm,pol_angle,major,minor,pa,ref_freq,isolated"

    /// Components in field `f`: `sources` shared out evenly, the remainder to the first fields.
    func componentCount(field f: Int) -> Int {
        let n = layout.fields.count
        return parameters.sources / n + (f < parameters.sources % n ? 1 : 0)
    }

    /// The three tables' rows for one field.
    struct FieldRows { var islands = "", components = "", truth = "", islandCount = 0, componentCount = 0 }

    func rows(field f: Int) -> FieldRows {
        let field = layout.fields[f]
        let sbid = layout.observations.first { $0.field == f && $0.epoch == 0 }?.sbid ?? -1
        var random = RandomStream(seed: parameters.seed, labels: [0xCA7A, UInt64(f)])
        let half = SkyTiling.spacing(fields: parameters.fields) / 2
        let halfSide = parameters.footprint == .sky ? half : Double(parameters.beamGridSide) / 2 * parameters.beamPitch
        let beam = Self.beamArcsec
        let noise = 0.25
        var out = FieldRows()
        var remaining = componentCount(field: f)
        var islandNumber = 0
        while remaining > 0 {
            islandNumber += 1
            let sourceID = "\(field.name)_\(islandNumber)"
            let pos = SkyMath.offset(ra: field.ra, dec: field.dec, east: random.uniform(-halfSide, halfSide),
                                     north: random.uniform(-halfSide, halfSide))
            var members = [(ra: pos.ra, dec: pos.dec)]
            if remaining > 1 && random.uniform() < 0.2 {
                let pa = random.uniform(0, 360) * SkyMath.degree
                members.append(SkyMath.offset(ra: pos.ra, dec: pos.dec, east: 2 * beam / 3600 * sin(pa),
                                              north: 2 * beam / 3600 * cos(pa)))
            }
            remaining -= members.count
            let code = members.count == 1 ? "S" : "M"
            var fluxes: [Double] = [], majors: [Double] = []
            for _ in members {
                // mJy, with the same source counts as the cubes' components (SkyModel).
                fluxes.append(min(1000 * parameters.maximumFlux, 1000 * parameters.minimumFlux * pow(1 - random.uniform(), -1 / parameters.fluxCountSlope)))
                majors.append(random.uniform() < 0.3 ? beam * random.uniform(0.3, 1.0) : 0)
            }
            let total = fluxes.reduce(0, +)
            let ra = zip(members, fluxes).map { $0.ra * $1 }.reduce(0, +) / total
            let dec = zip(members, fluxes).map { $0.dec * $1 }.reduce(0, +) / total
            let name = SurveyNames.sourceName(ra: ra, dec: dec)
            let peak = fluxes.max()!
            let positionError = beam / 2 / max(1, peak / noise)
            let totalError = (0.0025 * total * total + noise * noise).squareRoot()
            let islandMaj = (beam * beam + majors.max()! * majors.max()!).squareRoot() + (members.count - 1 == 0 ? 0 : 2 * beam)
            out.islands += "\(name),\(sourceID),\(field.name),\(sbid),\(members.count),\(r6(ra)),\(r6(dec)),\(r4(positionError)),\(r4(positionError)),\(r4(total)),\(r4(totalError)),\(r4(peak)),\(r4(totalError)),\(r4(islandMaj)),\(beam),0.0,\(code),\(noise)\n"
            out.islandCount += 1
            for (k, member) in members.enumerated() {
                out.componentCount += 1
                let gaussianID = "\(field.name)_\(out.componentCount)"
                let flux = fluxes[k], major = majors[k]
                let maj = (beam * beam + major * major).squareRoot()
                let minor = major * random.uniform(0.4, 1.0)
                let mn = (beam * beam + minor * minor).squareRoot()
                let pa = major > 0 ? random.uniform(0, 180) : 0
                let error = (0.0025 * flux * flux + noise * noise).squareRoot()
                out.components += "\(name),\(sourceID),\(gaussianID),\(field.name),\(sbid),\(members.count),\(r6(member.ra)),\(r6(member.dec)),\(r4(positionError)),\(r4(positionError)),\(r4(total)),\(r4(flux)),\(r4(error)),\(r4(flux * beam * beam / (maj * mn))),\(r4(error)),\(r4(maj)),\(r4(positionError * 2)),\(r4(mn)),\(r4(positionError * 2)),\(r4(pa)),\(r4(min(90, positionError * 10))),\(code),\(noise)\n"
                let polarised = random.uniform() < 0.5 ? random.uniform(0.005, 0.1) : random.uniform(0, 0.005)
                out.truth += "\(gaussianID),\(sourceID),\(r6(member.ra)),\(r6(member.dec)),\(r6(flux / 1000)),\(r4(-0.75 + 0.25 * random.gaussian())),\(r6(polarised)),\(r4(60 * random.gaussian())),\(r4(random.uniform(0, 180))),\(r4(major)),\(r4(minor)),\(r4(pa)),\(parameters.referenceFrequency),\(members.count == 1 ? 1 : 0)\n"
            }
        }
        return out
    }

    /// Rounded to 6 / 4 decimals, as published catalogues print them (and smaller files).
    func r6(_ x: Double) -> Double { (x * 1e6).rounded() / 1e6 }
    func r4(_ x: Double) -> Double { (x * 1e4).rounded() / 1e4 }

    /// Writes the survey into `directory` (assembled aside, renamed into place when complete).
    /// Returns the number of islands and components written.
    @discardableResult
    public func write(to directory: String, replacing: Bool = false, threads: Int = 0) throws -> (islands: Int, components: Int) {
        var counts = (islands: 0, components: 0)
        try SurveySimulator.publish(to: directory, replacing: replacing) { root in
            counts = try writeEverything(into: root, threads: threads)
        }
        return counts
    }

    private func writeEverything(into root: String, threads: Int) throws -> (islands: Int, components: Int) {
        try SurveySimulator.makeDirectory("\(root)/catalogues")
        try SurveySimulator.writeDatabase(layout: layout, parameters: parameters, root: root)
        let islands = try TextFileWriter(path: "\(root)/\(Paths.islands)")
        let components = try TextFileWriter(path: "\(root)/\(Paths.components)")
        let truth = try TextFileWriter(path: "\(root)/\(SurveySimulator.Paths.truth)")
        try islands.write(Self.islandHeader + "\n")
        try components.write(Self.componentHeader + "\n")
        try truth.write(SurveyTextFiles.truthUnits + "\n" + Self.truthHeader + "\n")
        let workers = threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount
        let batch = max(1, workers * 8)
        var counts = (islands: 0, components: 0)
        var start = 0
        while start < layout.fields.count {
            let end = min(layout.fields.count, start + batch)
            let chunk = UnsafeMutableBufferPointer<FieldRows>.allocate(capacity: end - start)
            chunk.initialize(repeating: FieldRows())
            defer { chunk.deinitialize(); chunk.deallocate() }
            let shared = SendableBuffer(chunk)
            let first = start
            DispatchQueue.concurrentPerform(iterations: end - start) { i in
                shared.buffer[i] = rows(field: first + i)
            }
            for rows in chunk {
                try islands.write(rows.islands)
                try components.write(rows.components)
                try truth.write(rows.truth)
                counts.islands += rows.islandCount
                counts.components += rows.componentCount
            }
            start = end
        }
        try islands.close()
        try components.close()
        try truth.close()
        return counts
    }
}

/// Distinct indices of one buffer written from concurrent iterations.
private struct SendableBuffer<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
    init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
}
