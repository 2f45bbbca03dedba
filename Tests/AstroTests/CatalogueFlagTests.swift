import Foundation
import Testing
@testable import Astro

@Suite struct CatalogueFlagTests {
    typealias F = CatalogueFixture

    func flags(_ cat: PolarisationCatalogue, _ name: String) -> [Bool] { cat[column: name]?.logicals ?? [] }

    @Test func snrFlagBelowEight() throws {
        let cat = try PolarisationCatalogue(components: [7.9, 8.0, 30].enumerated().map { n, snr in
            let s = F.synthesis(snr: snr)
            return F.component(n, synthesis: s, clean: .some(nil))
        })
        #expect(flags(cat, "snr_flag") == [true, false, false])
    }

    @Test func channelFlagBelowHalfTheMostChannels() throws {
        // max 287 -> threshold Int(143.5) = 143, as the original truncates.
        let cat = try PolarisationCatalogue(components: [287, 143, 142, 200].enumerated().map { n, channels in
            F.component(n, synthesis: F.synthesis(channels: channels))
        })
        #expect(flags(cat, "channel_flag") == [false, false, true, false])
        #expect(cat.diagnostics.first?.channelThreshold == 143)
    }

    @Test func stokesIFitFlagFromIfitStat() throws {
        let statuses = [1, 1 + 64, 1 + 128, 2 + 64 + 128, 5]
        var components = statuses.enumerated().map { n, status in
            F.component(n, synthesis: F.synthesis(status: status))
        }
        var s = F.synthesis()
        s.stokesI.model.coefficients[2] = .nan
        components.append(F.component(9, synthesis: s))
        let cat = try PolarisationCatalogue(components: components)
        #expect(flags(cat, "stokesI_fit_flag_is_close_to_zero") == [false, true, false, true, false, false])
        #expect(flags(cat, "stokesI_fit_flag_is_negative") == [false, false, true, true, false, false])
        #expect(flags(cat, "stokesI_fit_flag_is_not_finite") == [false, false, false, false, false, true])
        #expect(flags(cat, "stokesI_fit_flag") == [false, true, true, true, false, true])
        #expect(cat[column: "stokesI_fit_status"]?.integers == [1, 65, 129, 194, 5, 1])
    }

    @Test func complexityFlags() throws {
        let significant = SigmaAdd(value: 1.1, minus: 0.1, plus: 0.1)     // 1.1 > 10 x 0.1
        let borderline = SigmaAdd(value: 1.0, minus: 0.05, plus: 0.15)     // 1.0 = 10 x 0.1: not flagged
        let unknown = SigmaAdd(value: .nan, minus: .nan, plus: .nan)
        func make(_ n: Int, _ sigma: SigmaAdd, width: Double?) -> CatalogueComponent {
            let s = F.synthesis(sigmaAdd: sigma, fwhm: 50)
            return F.component(n, synthesis: s, clean: F.clean(of: s, width: width))
        }
        let cat = try PolarisationCatalogue(components: [
            make(0, significant, width: 10), make(1, borderline, width: 10), make(2, borderline, width: 60),
            make(3, significant, width: 60), make(4, unknown, width: 10), make(5, borderline, width: nil),
            make(6, unknown, width: 70),
        ])
        #expect(flags(cat, "complex_sigma_add_flag") == [true, false, false, true, false, false, false])
        #expect(flags(cat, "complex_M2_CC_flag") == [false, false, true, true, false, false, true])
        #expect(cat[column: "complex_flag"]?.texts == ["Y", "N", "Y", "Y", "U", "U", "Y"])
    }

    @Test func leakageEnvelopeFollowsTheBinnedMedians() throws {
        let components = F.field(count: 400)
        let cat = try PolarisationCatalogue(components: components)
        let envelope = try #require(cat.diagnostics.first?.leakage)
        #expect(envelope.notFitted == nil)
        #expect(envelope.sources == 400)
        #expect(envelope.binCentres.count == 16 && envelope.coefficients.count == 5)
        // The envelope passes near median + 0.002 in each bin.
        for (centre, median) in zip(envelope.binCentres, envelope.binMedians) {
            #expect(abs(envelope.value(at: centre) - (median + 0.002)) < 0.0015)
        }
        // Flags: exactly the rows below the envelope at their separation.
        let fracpol = cat[column: "fracpol"]!.reals!, separation = cat[column: "beamdist"]!.reals!
        let leakage = cat[column: "leakage"]!.reals!
        let flagged = flags(cat, "leakage_flag")
        for i in 0..<cat.rowCount {
            #expect(flagged[i] == (fracpol[i] < envelope.value(at: separation[i])))
            #expect(leakage[i] == max(0, envelope.value(at: separation[i])))
        }
        // The scatter is 0.002 |N(0,1)| (median 0.00135): P(|N| < (0.00135 + 0.002) / 0.002) = 0.905.
        let share = Double(flagged.filter { $0 }.count) / Double(cat.rowCount)
        #expect(share > 0.8 && share < 0.97)
    }

    @Test func leakageNeedsAHundredBrightSources() throws {
        var components = F.field(count: 120)
        // Make 30 of them faint in Stokes I (I/dI = 0.1 / 0.005 = 20 < 30): 90 bright remain.
        for n in 0..<30 {
            var row = F.row(n, ra: components[n].stokesI.ra, dec: components[n].stokesI.dec, noise: 5)
            row["Separation_Tile_Centre"] = .number(components[n].stokesI.separationTileCentre)
            components[n].stokesI = try StokesIComponent(row: row)
        }
        let cat = try PolarisationCatalogue(components: components)
        let envelope = try #require(cat.diagnostics.first?.leakage)
        #expect(envelope.sources == 90)
        #expect(envelope.notFitted?.contains("at least 100") == true)
        #expect(flags(cat, "leakage_flag").allSatisfy { !$0 })
        #expect(cat[column: "leakage"]!.reals!.allSatisfy { $0.isNaN })
    }

    @Test func localRMFlagFindsTheOddOneOut() throws {
        var components = F.field(count: 200, seed: 11)
        // Loosen the leakage envelope so every source counts as good.
        var options = CatalogueOptions()
        options.leakage.minimumSources = 10_000
        var s = components[17].measurementSynthesis!
        s.peak.phi = 300
        components[17].measurement = .measured(synthesis: s, clean: nil)
        let cat = try PolarisationCatalogue(components: components, options: options)
        let flagged = flags(cat, "local_rm_flag")
        #expect(flagged[17])
        #expect(flagged.filter { $0 }.count <= 5, "a Gaussian field has few 3-sigma outliers")
        #expect(cat.diagnostics.first?.localRMNeighbours == 30)
        // Deterministic: the same inputs in the same order give the same flags.
        let again = try PolarisationCatalogue(components: components, options: options)
        #expect(flags(again, "local_rm_flag") == flagged)
    }

    @Test func localRMFlagNeedsEnoughGoodRMs() throws {
        let cat = try PolarisationCatalogue(components: F.field(count: 29))
        #expect(cat.diagnostics.first?.localRMNeighbours == nil)
        #expect(cat.diagnostics.first?.localRMNote.contains("at least 5") == true)
        #expect(flags(cat, "local_rm_flag").allSatisfy { !$0 })
    }

    @Test func blendedComponentsOfOneIsland() throws {
        // Island A: three components, two 10" apart (beam 25"), one 2' away. Island B: single.
        let arcsec = 1.0 / 3600
        let rows = [
            F.row(1, ra: 189, dec: 12, peak: 100, source: "A", gaussians: 3),
            F.row(2, ra: 189, dec: 12 + 10 * arcsec, peak: 300, source: "A", gaussians: 3),
            F.row(3, ra: 189, dec: 12 + 120 * arcsec, peak: 50, source: "A", gaussians: 3),
            F.row(4, ra: 189, dec: 12 + 5 * arcsec, peak: 10, source: "B", gaussians: 1),
        ]
        let cat = try PolarisationCatalogue(components: rows.enumerated().map { F.component($0, row: $1) })
        #expect(flags(cat, "is_blended_flag") == [true, true, false, false])
        #expect(cat[column: "N_blended"]?.integers == [1, 1, 0, 0])
        let ratio = cat[column: "blend_ratio"]!.reals!
        #expect(abs(ratio[0] - 0.25) < 1e-12 && abs(ratio[1] - 0.75) < 1e-12 && ratio[2] == 1 && ratio[3].isNaN)
    }

    @Test func failedComponentsKeepARowThatSaysSo() throws {
        var components = F.field(count: 40)
        components.insert(F.failure(100, reason: "all-NaN spectrum"), at: 3)
        let cat = try PolarisationCatalogue(components: components)
        #expect(cat.rowCount == 41)
        #expect(cat[column: "rmsynth_failed"]?.logicals?[3] == true)
        #expect(cat[column: "rmsynth_failed"]?.logicals?.filter { $0 }.count == 1)
        #expect(cat[column: "notes"]?.texts?[3] == "RM synthesis failed: all-NaN spectrum")
        for name in ["rm", "rm_err", "polint", "fracpol", "snr_polint", "stokesI", "rmsf_fwhm"] {
            #expect(cat[column: name]?.reals?[3].isNaN == true, "\(name)")
        }
        for name in ["snr_flag", "leakage_flag", "channel_flag", "stokesI_fit_flag", "local_rm_flag"] {
            #expect(flags(cat, name)[3], "\(name)")
        }
        #expect(!flags(cat, "complex_M2_CC_flag")[3] && !flags(cat, "complex_sigma_add_flag")[3])
        #expect(cat[column: "complex_flag"]?.texts?[3] == "U")
        #expect(cat[column: "Nchan"]?.integers?[3] == 0)
        #expect(cat[column: "peak_I_flux"]?.reals?[3] == 0.1)    // Stokes I columns kept
        #expect(cat.diagnostics.first?.failures == 1)
    }

    @Test func flagsAreComputedPerField() throws {
        let other = CatalogueObservation(field: "RACS_1300+12A", epoch: 1, sbid: 9000)
        let a = [287, 100].enumerated().map { F.component($0, synthesis: F.synthesis(channels: $1)) }
        let b = [100, 100].enumerated().map { F.component($0, synthesis: F.synthesis(channels: $1), observation: other) }
        let together = try PolarisationCatalogue(components: a + b)
        #expect(flags(together, "channel_flag") == [false, true, false, false])
        #expect(together.diagnostics.map(\.observation.field) == ["RACS_1237+12A", "RACS_1300+12A"])
        // The same component in two fields/epochs: two rows.
        #expect(together[column: "cat_id"]?.texts?.filter { $0 == "RACS_1237+12A_0_g" }.count == 2)
    }

    @Test func duplicateRowsAreRefused() {
        #expect(throws: CatalogueError.duplicateRow(component: "RACS_1237+12A_1_g", field: "RACS_1237+12A", epoch: 0)) {
            try PolarisationCatalogue(components: [F.component(1), F.component(1)])
        }
    }
}

extension CatalogueComponent {
    var measurementSynthesis: RMSynthesisResult? {
        if case .measured(let s, _) = measurement { return s }
        return nil
    }
}
