import Foundation
import Testing
@testable import Astro

@Suite struct CatalogueColumnTests {
    /// RMTable v1.3's columns (rmtable 1.2.1, column_standard_v1.3.json).
    static let standardColumns = [
        "ra", "dec", "l", "b", "pos_err", "rm", "rm_err", "rm_width", "rm_width_err", "complex_flag",
        "complex_test", "rm_method", "ionosphere", "Ncomp", "stokesI", "stokesI_err", "spectral_index",
        "spectral_index_err", "reffreq_I", "polint", "polint_err", "pol_bias", "flux_type", "aperture",
        "fracpol", "fracpol_err", "polangle", "polangle_err", "reffreq_pol", "stokesQ", "stokesQ_err",
        "stokesU", "stokesU_err", "derot_polangle", "derot_polangle_err", "stokesV", "stokesV_err",
        "beam_maj", "beam_min", "beam_pa", "reffreq_beam", "minfreq", "maxfreq", "channelwidth", "Nchan",
        "rmsf_fwhm", "noise_chan", "telescope", "int_time", "epoch", "obs_interval", "leakage", "beamdist",
        "catalog_name", "dataref", "cat_id", "type", "notes",
    ]

    /// The original's columns besides the standard ones (makecat.py, columns_possum.py).
    static let originalColumns = [
        "ra_err", "dec_err", "total_I_flux", "total_I_flux_err", "peak_I_flux", "peak_I_flux_err",
        "maj_axis", "maj_axis_err", "min_axis", "min_axis_err", "pa", "pa_err", "dc_maj_axis",
        "dc_maj_axis_err", "dc_min_axis", "dc_min_axis_err", "dc_pa", "dc_pa_err", "N_Gaus", "source_id",
        "tile_id", "sbid", "start_time", "separation_tile_centre", "s_code", "fdf_noise_th",
        "refwave_sq_pol", "stokesI_fit_flag_is_negative", "stokesI_fit_flag_is_close_to_zero",
        "stokesI_fit_flag_is_not_finite", "stokesI_chi2_red", "snr_polint", "stokesI_model_coef",
        "stokesI_model_coef_err", "stokesI_model_order", "fdf_noise_mad", "sigma_add", "sigma_add_err",
        "snr_flag", "leakage_flag", "channel_flag", "stokesI_fit_flag", "complex_sigma_add_flag",
        "complex_M2_CC_flag", "local_rm_flag", "is_blended_flag", "blend_ratio", "N_blended",
    ]

    func catalogue(_ components: [CatalogueComponent]) throws -> PolarisationCatalogue {
        try PolarisationCatalogue(components: components)
    }

    @Test func everyStandardAndOriginalColumnIsThereOnce() throws {
        let cat = try catalogue([CatalogueFixture.component(1)])
        let names = cat.columns.map(\.name)
        #expect(Set(names).count == names.count, "duplicate column names")
        for name in Self.standardColumns + Self.originalColumns {
            #expect(names.contains(name), "missing column \(name)")
        }
        for column in cat.columns {
            #expect(column.values.count == 1, "\(column.name)")
            #expect(!column.ucd.isEmpty && !column.description.isEmpty, "\(column.name) lacks a UCD or description")
        }
    }

    @Test func docsListEveryColumn() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../docs/catalogue.md").standardized.path
        let text = try String(contentsOfFile: docs, encoding: .utf8)
        let cat = try catalogue([CatalogueFixture.component(1)])
        for column in cat.columns {
            #expect(text.contains("| `\(column.name)` | "), "docs/catalogue.md does not list \(column.name)")
            #expect(text.contains("| `\(column.ucd)` |"), "docs/catalogue.md lacks the UCD of \(column.name)")
        }
    }

    @Test func unitsAndUCDsFollowTheStandard() throws {
        let cat = try catalogue([CatalogueFixture.component(1)])
        let expected: [(String, String, String)] = [
            ("ra", "deg", "pos.eq.ra;meta.main"), ("dec", "deg", "pos.eq.dec;meta.main"),
            ("l", "deg", "pos.galactic.lon"), ("pos_err", "deg", "stat.error;pos"),
            ("rm", "rad.m-2", "phys.polarization.rotMeasure;meta.main"), ("rm_err", "rad.m-2", "stat.error;phys.polarization.rotMeasure"),
            ("polint", "Jy/beam", "phot.flux.density;phys.polarization.linear"),
            ("stokesI", "Jy/beam", "phot.flux.density;phys.polarization.stokes.I"),
            ("total_I_flux", "Jy", "phot.flux.density;arith.sum;phys.polarization.stokes.I"),
            ("fracpol", "", "phys.polarization.linear"), ("reffreq_pol", "Hz", "em.freq;phys.polarization"),
            ("refwave_sq_pol", "m2", "em.wl;arith.squared"), ("beam_pa", "deg", "pos.angResolution;instr.beam;pos.posAng"),
            ("rmsf_fwhm", "rad.m-2", "instr.rmsf;stat.fwhm"), ("cat_id", "", "meta.id;meta.main"),
            ("int_time", "s", "time.duration;obs.exposure"), ("epoch", "d", "time.epoch"),
        ]
        for (name, unit, ucd) in expected {
            let column = try #require(cat[column: name])
            #expect(column.unit.voTable == unit, "\(name) unit")
            #expect(column.ucd == ucd, "\(name) UCD")
        }
        #expect(cat[column: "rm"]?.unit.fits == "rad/m2")
    }

    @Test func stokesIColumnsAreConvertedFromTheCatalogue() throws {
        let row = CatalogueFixture.row(3, ra: 10.5, dec: -45.25, separation: 2.5, peak: 250, noise: 0.3,
                                       raError: 1.2, decError: 0.4)
        let cat = try catalogue([CatalogueFixture.component(3, row: row)])
        func value(_ name: String) -> Double { cat[column: name]?.reals?.first ?? .nan }
        #expect(value("peak_I_flux") == 0.25)            // mJy/beam -> Jy/beam
        #expect(abs(value("total_I_flux") - 0.3) < 1e-12) // mJy -> Jy
        #expect(value("stokesI_err") == 0.0003)
        #expect(value("ra_err") == 1.2)                   // arcsec, as the original
        #expect(abs(value("pos_err") - 1.2 / 3600) < 1e-15) // this row's larger error, in deg
        let g = SkyMath.galactic(ra: 10.5, dec: -45.25)
        #expect(value("l") == g.l && value("b") == g.b)
        #expect(value("beamdist") == 2.5 && value("separation_tile_centre") == 2.5)
        #expect(cat[column: "cat_id"]?.texts == ["RACS_1237+12A_3_g"])
        #expect(cat[column: "sbid"]?.texts == ["8576"])
        #expect(cat[column: "N_Gaus"]?.integers == [1])
        #expect(value("beam_pa") == 150)                  // BPA -30 -> [0, 180)
        #expect(abs(value("beam_maj") - 25.0 / 3600) < 1e-15)
    }

    @Test func positionErrorIsPerRow() throws {
        let a = CatalogueFixture.component(1, row: CatalogueFixture.row(1, raError: 0.5, decError: 0.8))
        let b = CatalogueFixture.component(2, row: CatalogueFixture.row(2, raError: 3.0, decError: 1.0))
        let errors = try catalogue([a, b])[column: "pos_err"]?.reals ?? []
        #expect(errors.count == 2)
        #expect(abs(errors[0] - 0.8 / 3600) < 1e-15 && abs(errors[1] - 3.0 / 3600) < 1e-15)
    }

    @Test func polarisationColumnsComeFromCleanThenSynthesis() throws {
        let s = CatalogueFixture.synthesis(rm: 25, snr: 40, stokesI: 0.2, fracpol: 0.04)
        let c = CatalogueFixture.clean(of: s, shift: 0.75, width: 12)
        let cat = try catalogue([CatalogueFixture.component(1, synthesis: s, clean: c),
                                 CatalogueFixture.component(2, synthesis: s, clean: .some(nil))])
        func values(_ name: String) -> [Double] { cat[column: name]?.reals ?? [] }
        #expect(values("rm") == [25.75, 25])
        #expect(values("polint") == [c.peak.amplitudeEffective, s.peak.amplitudeEffective])
        #expect(values("snr_polint") == [c.peak.snr, s.peak.snr])
        #expect(values("rm_width")[0] == 12 && values("rm_width")[1].isNaN)
        #expect(values("fracpol") == [0.04, 0.04])         // synthesis fracPol either way
        #expect(values("stokesI") == [0.2, 0.2])
        #expect(values("reffreq_pol") == [887.5e6, 887.5e6])
        #expect(values("rmsf_fwhm") == [50, 50])
        #expect(values("spectral_index") == [-0.7, -0.7])
        #expect(values("spectral_index_err") == [0.02, 0.02])
        #expect(values("sigma_add") == [0.1, 0.1])
        #expect(values("sigma_add_err").allSatisfy { abs($0 - 0.125) < 1e-15 })
        #expect(cat[column: "Nchan"]?.integers == [288, 288])
        #expect(cat[column: "stokesI_model_coef"]?.texts?.first == "0.0,0.0,0.1,-0.2,-0.7,0.2")
        let notes = cat[column: "notes"]?.texts ?? []
        #expect(notes[0] == "" && notes[1].contains("no RM-CLEAN"))
        let fracpolError = values("fracpol_err")[0]
        let r = 1.0 / (40 * 1.01)   // polint_err / polint, both from CLEAN
        let expected = 0.04 * (r * r + (0.00025 / 0.2) * (0.00025 / 0.2)).squareRoot()
        #expect(abs(fracpolError - expected) < 1e-12)
    }

    @Test func constantsAndObservationColumns() throws {
        var options = CatalogueOptions()
        options.catalogName = "Test-DR1"
        let cat = try PolarisationCatalogue(components: [CatalogueFixture.component(1)], options: options)
        #expect(cat[column: "rm_method"]?.texts == ["RM Synthesis - Fractional polarization"])
        #expect(cat[column: "telescope"]?.texts == ["ASKAP"])
        #expect(cat[column: "pol_bias"]?.texts == ["2012PASA...29..214G"])
        // No correction was applied: the row must not claim one.
        #expect(cat[column: "ionosphere"]?.texts == ["None"])
        #expect(cat[column: "flux_type"]?.texts == ["Peak"])
        #expect(cat[column: "catalog_name"]?.texts == ["Test-DR1"])
        #expect(cat[column: "aperture"]?.reals == [0])
        #expect(cat[column: "complex_test"]?.texts == ["Sigma_add,Second moment"])
        #expect(cat[column: "Ncomp"]?.integers == [1])
        #expect(cat[column: "int_time"]?.reals == [900])
        #expect(cat[column: "epoch"]?.reals == [59_000 + 450.0 / 86_400])
        #expect(cat[column: "obs_interval"]?.reals == [900.0 / 86_400])
        #expect(cat[column: "field"]?.texts == ["RACS_1237+12A"])
        #expect(cat[column: "field_epoch"]?.integers == [0])
        #expect(cat[column: "field_sbid"]?.integers == [8576])
    }

    @Test func nonPositiveStokesILeavesStokesIAndFracpolBlank() throws {
        let s = CatalogueFixture.synthesis(stokesI: -0.01, status: 1 + 128)
        let cat = try catalogue([CatalogueFixture.component(1, synthesis: s)])
        #expect(cat[column: "stokesI"]?.reals?.first?.isNaN == true)
        #expect(cat[column: "fracpol"]?.reals?.first?.isNaN == true)
        #expect(cat[column: "stokesI_fit_flag"]?.logicals == [true])
        #expect(cat[column: "stokesI_fit_flag_is_negative"]?.logicals == [true])
        #expect(cat[column: "notes"]?.texts?.first?.contains("not positive") == true)
    }

    @Test func stokesIRowsNeedTheirKeyColumnsAndNumbers() {
        var row = CatalogueFixture.row(1)
        row["RA"] = nil
        #expect(throws: CatalogueError.missingColumn(component: "RACS_1237+12A_1_g", column: "RA")) {
            try StokesIComponent(row: row)
        }
        row = CatalogueFixture.row(1)
        row["Peak_flux"] = "bright"
        #expect(throws: CatalogueError.badValue(component: "RACS_1237+12A_1_g", column: "Peak_flux", value: "'bright'")) {
            try StokesIComponent(row: row)
        }
        row = CatalogueFixture.row(1)
        row["E_PA"] = nil
        row["SBID"] = "8576"
        let parsed = try? StokesIComponent(row: row)
        #expect(parsed?.positionAngleError.isNaN == true && parsed?.sbid == "8576")
    }

    @Test func restoringBeamFromAHeader() throws {
        var header = FITSHeader()
        header.set("BMAJ", .real(0.01))
        header.set("BMIN", .real(0.008))
        #expect(throws: CatalogueError.missingBeam(keyword: "BPA")) { try RestoringBeam(header: header) }
        header.set("BPA", .real(-12))
        #expect(try RestoringBeam(header: header) == RestoringBeam(major: 0.01, minor: 0.008, positionAngle: -12))
    }
}
