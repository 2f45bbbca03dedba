/// The band-averaged noise and background of a component's I, Q and U spectra, measured
/// in the annulus around it in its mosaics (`SpectrumExtractor`), as the original records
/// them with each RM synthesis (`rmsynth_oncuts.py`: `dI`, `dIFullBand`, `bIFullBand`, ...)
/// and catalogues them (`stokesI_err`, `stokesQ_err`, `stokesU_err`, `stokesI_bkg`, ...).
///
/// Over the channels RM synthesis uses (I, Q and U finite, their noise finite): the mean
/// per-channel noise, that mean / sqrt(channels) (the noise of the band average), and the
/// mean background that was subtracted from the spectrum.
public struct BandNoise: Sendable, Equatable {
    /// One value per Stokes parameter.
    public struct Stokes: Sendable, Equatable {
        public var i: Double
        public var q: Double
        public var u: Double

        public init(i: Double, q: Double, u: Double) {
            self.i = i
            self.q = q
            self.u = u
        }
    }

    /// Channels averaged.
    public var channels: Int
    /// Mean per-channel noise (`dI`, `dQ`, `dU`), Jy/beam.
    public var channelNoise: Stokes
    /// `channelNoise` / sqrt(`channels`) (`dIFullBand`, ...), Jy/beam.
    public var fullBandNoise: Stokes
    /// Mean background (`bIFullBand`, ...), Jy/beam; NaN when no background was given.
    public var background: Stokes
    /// Stokes V over the same channels, when the component's V spectrum was extracted
    /// (`CircularSpectrum`); nil when it was not, and then nothing about V is claimed.
    public var circular: Circular?

    /// The band average of a V spectrum and its noise.
    public struct Circular: Sendable, Equatable {
        /// Channels averaged: those of I, Q and U where V and dV are finite too.
        public var channels: Int
        /// The mean of V over them (`VFullBand`), Jy/beam: the catalogue's `stokesV`.
        public var mean: Double
        /// Mean per-channel noise (`dV`), Jy/beam.
        public var channelNoise: Double
        /// `channelNoise` / sqrt(`channels`) (`dVFullBand`): the noise of `mean`, the
        /// catalogue's `stokesV_err`.
        public var fullBandNoise: Double

        public init(channels: Int, mean: Double, channelNoise: Double, fullBandNoise: Double) {
            self.channels = channels
            self.mean = mean
            self.channelNoise = channelNoise
            self.fullBandNoise = fullBandNoise
        }
    }

    public init(channels: Int, channelNoise: Stokes, fullBandNoise: Stokes, background: Stokes, circular: Circular? = nil) {
        self.channels = channels
        self.channelNoise = channelNoise
        self.fullBandNoise = fullBandNoise
        self.background = background
        self.circular = circular
    }

    /// Measures `spectrum` (background-subtracted I, Q, U with their noise; NaN = flagged)
    /// and `background` (the `_bkg.dat` columns: background I, Q, U per channel). A
    /// background on other channels than the spectrum's counts as none. With `circular`
    /// (the `_v.dat` of the same component), V's band average and noise over the same
    /// channels; a V spectrum on other channels counts as none. Nil when no channel is usable.
    public init?(spectrum s: Spectrum, background b: Spectrum?, circular v: CircularSpectrum? = nil) {
        let used = (0..<s.count).filter { c in
            [s.i[c], s.q[c], s.u[c], s.di[c], s.dq[c], s.du[c]].allSatisfy(\.isFinite)
        }
        guard !used.isEmpty else { return nil }
        func mean(_ values: [Double]) -> Double { used.reduce(0.0) { $0 + values[$1] } / Double(used.count) }
        let root = Double(used.count).squareRoot()
        channels = used.count
        channelNoise = Stokes(i: mean(s.di), q: mean(s.dq), u: mean(s.du))
        fullBandNoise = Stokes(i: channelNoise.i / root, q: channelNoise.q / root, u: channelNoise.u / root)
        if let b, b.frequency.count == s.count {
            background = Stokes(i: mean(b.i), q: mean(b.q), u: mean(b.u))
        } else {
            background = Stokes(i: .nan, q: .nan, u: .nan)
        }
        circular = nil
        if let v, v.count == s.count {
            let withV = used.filter { v.v[$0].isFinite && v.dv[$0].isFinite }
            if !withV.isEmpty {
                let n = Double(withV.count)
                let noise = withV.reduce(0.0) { $0 + v.dv[$1] } / n
                circular = Circular(channels: withV.count, mean: withV.reduce(0.0) { $0 + v.v[$1] } / n,
                                    channelNoise: noise, fullBandNoise: noise / n.squareRoot())
            }
        }
    }
}
