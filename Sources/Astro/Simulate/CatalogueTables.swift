#if canImport(Glibc)
import Glibc
#endif

/// The Stokes I catalogue of a simulated survey as two FITS tables with the columns of
/// RACS-low DR1 (Hale et al. 2021): islands and Gaussian components. Fluxes in mJy,
/// sizes in arcsec, positions in degrees, as the published catalogue.
struct CatalogueTables {
    let parameters: SurveyParameters
    let layout: SurveyLayout
    let sky: SkyModel

    /// Catalogue noise (mJy/beam): the channel noise averaged over the band.
    var noise: Double { parameters.channelNoise * 1.25 / Double(parameters.channels).squareRoot() * 1000 }
    var beamArcsec: Double { parameters.restoringBeam * 3600 }

    /// Per-component measured quantities shared by both tables.
    struct Measured {
        var ra, dec, totalFlux, peakFlux, maj, min, pa, dcMaj, dcMin, dcPA: Double
    }

    func measured(_ c: TruthComponent) -> Measured {
        let b = beamArcsec
        let maj = (b * b + pow(c.major * 3600, 2)).squareRoot()
        let min = (b * b + pow(c.minor * 3600, 2)).squareRoot()
        let total = c.flux * 1000
        return Measured(ra: c.ra, dec: c.dec, totalFlux: total, peakFlux: total * b * b / (maj * min),
                        maj: maj, min: min, pa: c.positionAngle, dcMaj: c.major * 3600,
                        dcMin: c.minor * 3600, dcPA: c.positionAngle)
    }

    func island(_ island: TruthIsland) -> Measured {
        let parts = island.components.map { measured(sky.components[$0]) }
        if parts.count == 1 { return parts[0] }
        let total = parts.map(\.totalFlux).reduce(0, +)
        let ra = parts.map { $0.ra * $0.totalFlux }.reduce(0, +) / total
        let dec = parts.map { $0.dec * $0.totalFlux }.reduce(0, +) / total
        let a = sky.components[island.components[0]], b = sky.components[island.components[1]]
        let span = SkyMath.separation(a.ra, a.dec, b.ra, b.dec) * 3600
        let pa = SkyMath.normalisedRA(SkyMath.positionAngle(a.ra, a.dec, b.ra, b.dec)).truncatingRemainder(dividingBy: 180)
        let maj = span + parts.map(\.maj).max()!
        let min = parts.map(\.min).max()!
        return Measured(ra: ra, dec: dec, totalFlux: total, peakFlux: parts.map(\.peakFlux).max()!,
                        maj: maj, min: min, pa: pa,
                        dcMaj: (maj * maj - beamArcsec * beamArcsec).squareRoot(),
                        dcMin: (min * min - beamArcsec * beamArcsec).squareRoot(), dcPA: pa)
    }

    /// Island columns, in the published order, for the given rows of measurements.
    func commonColumns(islands: [TruthIsland], values: [Measured], names: [String], ids: [String]) -> [FITSColumn] {
        let tiles = islands.map { layout.fields[$0.tile] }
        let firstObservation = islands.map { island in
            layout.observations.first { $0.field == island.tile && $0.epoch == 0 }!
        }
        let positionError = values.map { beamArcsec / 2 / max(1, $0.peakFlux / noise) }
        let fluxError = values.map { (pow(0.05 * $0.totalFlux, 2) + noise * noise).squareRoot() }
        let galactic = values.map { SkyMath.galactic(ra: $0.ra, dec: $0.dec) }
        func real(_ name: String, _ unit: String, _ f: (Int) -> Double) -> FITSColumn {
            FITSColumn(name, .real(values.indices.map(f)), unit: unit)
        }
        return [
            FITSColumn("Source_Name", .string(names)),
            FITSColumn("Source_ID", .string(ids)),
            FITSColumn("Tile_ID", .string(tiles.map(\.name))),
            FITSColumn("SBID", .integer(firstObservation.map(\.sbid)), format: .int32),
            real("Obs_Start_Time", "d") { firstObservation[$0].scanStart / 86_400 },
            FITSColumn("N_Gaus", .integer(islands.map(\.components.count)), format: .int16),
            real("RA", "deg") { values[$0].ra },
            real("Dec", "deg") { values[$0].dec },
            real("E_RA", "arcsec") { positionError[$0] },
            real("E_Dec", "arcsec") { positionError[$0] },
            real("Total_flux_Source", "mJy") { islandFlux(islands[$0]) },
            real("E_Total_flux_Source_PyBDSF", "mJy") { fluxError[$0] * 0.8 },
            real("E_Total_flux_Source", "mJy") { fluxError[$0] },
            real("Peak_flux", "mJy/beam") { values[$0].peakFlux },
            real("E_Peak_flux", "mJy/beam") { (pow(0.05 * values[$0].peakFlux, 2) + noise * noise).squareRoot() },
            real("Maj", "arcsec") { values[$0].maj },
            real("E_Maj", "arcsec") { positionError[$0] * 2 },
            real("Min", "arcsec") { values[$0].min },
            real("E_Min", "arcsec") { positionError[$0] * 2 },
            real("PA", "deg") { values[$0].pa },
            real("E_PA", "deg") { min(90, positionError[$0] * 10) },
            real("DC_Maj", "arcsec") { values[$0].dcMaj },
            real("E_DC_Maj", "arcsec") { positionError[$0] * 2 },
            real("DC_Min", "arcsec") { values[$0].dcMin },
            real("E_DC_Min", "arcsec") { positionError[$0] * 2 },
            real("DC_PA", "deg") { values[$0].dcPA },
            real("E_DC_PA", "deg") { min(90, positionError[$0] * 10) },
            FITSColumn("S_Code", .string(islands.map { $0.components.count == 1 ? "S" : "M" }), format: .string(width: 1)),
            real("Separation_Tile_Centre", "deg") { SkyMath.separation(tiles[$0].ra, tiles[$0].dec, values[$0].ra, values[$0].dec) },
            real("Noise", "mJy/beam") { _ in noise },
            real("Gal_lon", "deg") { galactic[$0].l },
            real("Gal_lat", "deg") { galactic[$0].b },
            FITSColumn("Flag_Close", .integer(islands.map { island in
                island.components.allSatisfy { sky.components[$0].isolated } ? 0 : 1 }), format: .int16),
        ]
    }

    func islandFlux(_ island: TruthIsland) -> Double {
        island.components.map { sky.components[$0].flux * 1000 }.reduce(0, +)
    }

    func islandTable() -> FITSTable {
        let values = sky.islands.map(island)
        let names = values.map { SurveyNames.sourceName(ra: $0.ra, dec: $0.dec) }
        var header = FITSHeader()
        header.set("ORIGIN", .string("arrakis simulate"))
        header.set("SEED", .integer(Int(truncatingIfNeeded: parameters.seed)))
        return FITSTable(name: "ISLANDS", columns: commonColumns(
            islands: sky.islands, values: values, names: names, ids: sky.islands.map(\.sourceID)), header: header)
    }

    func componentTable() -> FITSTable {
        let components = sky.components
        let owners = components.map { sky.islands[$0.island] }
        let values = components.map(measured)
        let islandValues = owners.map(island)
        let names = islandValues.map { SurveyNames.sourceName(ra: $0.ra, dec: $0.dec) }
        var columns = commonColumns(islands: owners, values: values, names: names, ids: owners.map(\.sourceID))
        let fluxError = values.map { (pow(0.05 * $0.totalFlux, 2) + noise * noise).squareRoot() }
        columns.insert(FITSColumn("Gaussian_ID", .string(components.map(\.gaussianID))), at: 2)
        let insertAt = columns.firstIndex { $0.name == "Peak_flux" }!
        columns.insert(contentsOf: [
            FITSColumn("Total_flux_Gaussian", .real(values.map(\.totalFlux)), unit: "mJy"),
            FITSColumn("E_Total_flux_Gaussian_PyBDSF", .real(fluxError.map { $0 * 0.8 }), unit: "mJy"),
            FITSColumn("E_Total_flux_Gaussian", .real(fluxError), unit: "mJy"),
        ], at: insertAt)
        var header = FITSHeader()
        header.set("ORIGIN", .string("arrakis simulate"))
        header.set("SEED", .integer(Int(truncatingIfNeeded: parameters.seed)))
        return FITSTable(name: "COMPONENTS", columns: columns, header: header)
    }
}
