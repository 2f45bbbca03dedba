import Foundation
import Testing
@testable import Astro

/// `stokesI_err`, `stokesQ_err`, `stokesU_err` and `stokes*_bkg`: the spectra's noise and
/// background averaged over the band RM synthesis used (the original's `d<S>FullBand`,
/// `b<S>FullBand`).
@Suite struct CatalogueBandNoiseTests {
    /// Five channels, the third flagged (NaN), with noise and background that differ per
    /// channel and Stokes.
    static func spectra() -> (spectrum: Spectrum, background: Spectrum) {
        let nu = [800e6, 801e6, 802e6, 803e6, 804e6]
        let nan = Double.nan
        let spectrum = Spectrum(frequency: nu, i: [1, 1.1, nan, 1.2, 0.9], q: [0.1, 0.2, nan, 0.1, 0.0],
                                u: [0, -0.1, nan, 0.05, 0.1],
                                di: [1e-3, 2e-3, 9, 3e-3, 2e-3], dq: [2e-3, 2e-3, 9, 2e-3, 6e-3], du: [1e-3, 1e-3, 9, 1e-3, 1e-3])
        let background = Spectrum(frequency: nu, i: [1e-4, 3e-4, 7, 2e-4, 2e-4], q: [-1e-4, 1e-4, 7, 0, 4e-4],
                                  u: [0, 0, 7, 0, 8e-4], di: spectrum.di, dq: spectrum.dq, du: spectrum.du)
        return (spectrum, background)
    }

    @Test func theUsableChannelsAreAveraged() throws {
        let (s, b) = Self.spectra()
        let n = try #require(BandNoise(spectrum: s, background: b))
        #expect(n.channels == 4)
        #expect(abs(n.channelNoise.i - 2e-3) < 1e-15 && abs(n.channelNoise.q - 3e-3) < 1e-15 && abs(n.channelNoise.u - 1e-3) < 1e-15)
        #expect(abs(n.fullBandNoise.q - 1.5e-3) < 1e-15)    // 3e-3 / sqrt(4)
        #expect(abs(n.background.i - 2e-4) < 1e-15 && abs(n.background.q - 1e-4) < 1e-15 && abs(n.background.u - 2e-4) < 1e-15)
        let none = try #require(BandNoise(spectrum: s, background: nil))
        #expect(none.background.q.isNaN && none.fullBandNoise == n.fullBandNoise)
        var flagged = s
        flagged.i = flagged.i.map { _ in .nan }
        #expect(BandNoise(spectrum: flagged, background: b) == nil)
    }

    @Test func theSummaryKeysRoundTrip() throws {
        let (s, b) = Self.spectra()
        let n = try #require(BandNoise(spectrum: s, background: b))
        let keys = n.summaryFields.map(\.0)
        #expect(keys == ["dI", "dQ", "dU", "dIFullBand", "dQFullBand", "dUFullBand", "bIFullBand", "bQFullBand", "bUFullBand",
                         "N_channels_noise"])
        let cells = Dictionary(uniqueKeysWithValues: n.summaryFields.map { ($0.0, CatalogueCell.number($0.1)) })
        #expect(BandNoise(summary: cells) == n)
        #expect(BandNoise(summary: ["dQU": 1e-3]) == nil)
    }

    /// Stokes V over the same channels: its mean and the noise of that mean, under their own
    /// keys; no V key without a V spectrum. Its file reads back what was written.
    @Test func stokesVIsAveragedOverTheSameChannels() throws {
        let (s, b) = Self.spectra()
        let v = CircularSpectrum(frequency: s.frequency, v: [2e-3, 4e-3, .nan, -2e-3, 4e-3], dv: [1e-3, 3e-3, 9, 2e-3, 2e-3])
        let n = try #require(BandNoise(spectrum: s, background: b, circular: v))
        let c = try #require(n.circular)
        #expect(c.channels == 4 && abs(c.mean - 2e-3) < 1e-15 && abs(c.channelNoise - 2e-3) < 1e-15 && abs(c.fullBandNoise - 1e-3) < 1e-15)
        #expect(n.fullBandNoise == BandNoise(spectrum: s, background: b)!.fullBandNoise, "V changes nothing of I, Q, U")
        #expect(n.summaryFields.map(\.0).suffix(4) == ["VFullBand", "dV", "dVFullBand", "N_channels_V"])
        let cells = Dictionary(uniqueKeysWithValues: n.summaryFields.map { ($0.0, CatalogueCell.number($0.1)) })
        #expect(BandNoise(summary: cells) == n)
        #expect(BandNoise(spectrum: s, background: b)?.circular == nil)

        let dir = TemporaryDirectory("circular")
        try CircularSpectrumFile.write(v, to: dir.file("x_v.dat"))
        let back = try CircularSpectrumFile.read(dir.file("x_v.dat"))
        #expect(back.frequency == v.frequency && back.dv == v.dv && back.v[2].isNaN && back.v[3] == v.v[3])
        #expect(try String(contentsOfFile: dir.file("x_v.dat"), encoding: .utf8).split(separator: "\n")[2] == "802000000.0 nan 9.0")
    }

    @Test func anIonosphereCorrectedBackgroundIsRotatedLikeItsSpectrum() throws {
        let (s, b) = Self.spectra()
        // theta = i: 1/theta = -i, so Q' = U and U' = -Q.
        let theta = [Modulation](repeating: Modulation(re: 0, im: 1), count: s.count)
        let n = try #require(try BandNoise(corrected: s, background: b, theta: theta))
        #expect(abs(n.background.q - 2e-4) < 1e-15 && abs(n.background.u + 1e-4) < 1e-15)
        #expect(abs(n.background.i - 2e-4) < 1e-15)
    }

    @Test func theModulationFileReadsBackWhatFrionWrote() throws {
        let theta = [Modulation(re: 0.9, im: -0.1), Modulation(re: 1.0 / 3, im: 2e-17)]
        let dir = TemporaryDirectory("modulation")
        let path = dir.file("x_ion.txt")
        try IonosphericCorrection.modulationText(frequencies: [800e6, 801e6], theta: theta).write(toFile: path, atomically: true, encoding: .utf8)
        let read = try ModulationFile.read(path)
        #expect(read.frequency == [800e6, 801e6] && read.theta == theta)
        try "# freq\n800e6 1\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: SpectrumFileError.self) { try ModulationFile.read(path) }
    }

    @Test func theColumnsComeFromTheBandNoise() throws {
        let (s, b) = Self.spectra()
        let noise = try #require(BandNoise(spectrum: s, background: b))
        let synthesis = CatalogueFixture.synthesis(stokesI: 0.2, fracpol: 0.05)
        var measured = CatalogueFixture.component(1, synthesis: synthesis)
        measured.bandNoise = noise
        let plain = CatalogueFixture.component(2, synthesis: synthesis)
        var failed = CatalogueFixture.failure(3)
        failed.bandNoise = noise
        let cat = try PolarisationCatalogue(components: [measured, plain, failed])
        func values(_ name: String) -> [Double] { cat[column: name]?.reals ?? [] }
        #expect(values("stokesI_err")[0] == noise.fullBandNoise.i && values("stokesI_err")[1] == 0.00025)  // else Noise
        #expect(values("stokesQ_err")[0] == noise.fullBandNoise.q && values("stokesU_err")[0] == noise.fullBandNoise.u)
        #expect(values("stokesQ_err")[1] == values("polint_err")[1])                                        // else the FDF noise
        #expect(values("stokesQ_err")[2] == noise.fullBandNoise.q)
        #expect(values("stokesI_bkg")[0] == noise.background.i && values("stokesQ_bkg")[0] == noise.background.q
                && values("stokesU_bkg")[0] == noise.background.u)
        #expect(values("stokesQ_bkg")[1].isNaN)
        // fracpol_err uses the measured Stokes I error.
        let row0 = values("fracpol_err")[0], polint = values("polint")[0], polintErr = values("polint_err")[0]
        let expected = 0.05 * ((polintErr / polint) * (polintErr / polint)
                               + (noise.fullBandNoise.i / 0.2) * (noise.fullBandNoise.i / 0.2)).squareRoot()
        #expect(abs(row0 - expected) < 1e-15)
        for name in ["stokesI_bkg", "stokesQ_bkg", "stokesU_bkg"] {
            let column = try #require(cat[column: name])
            #expect(column.unit.voTable == "Jy/beam")
            #expect(column.ucd.hasPrefix("instr.background;phot.flux.density;phys.polarization.stokes."))
        }
    }
}
