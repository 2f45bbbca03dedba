extension BandNoise {
    /// The band noise of an ionosphere-corrected spectrum: `spectrum` is already corrected
    /// (its Q, U noise propagated through 1/theta); the background, measured in the
    /// uncorrected mosaics, is corrected here with the same `theta`, so Q and U's
    /// backgrounds are in the frame of the spectrum RM synthesis analysed (the original
    /// measures them in the corrected mosaics). Stokes V (`circular`) is not rotated by the
    /// ionosphere and is taken as it is. Nil when no channel is usable.
    public init?(corrected spectrum: Spectrum, background: Spectrum?, circular: CircularSpectrum? = nil,
                 theta: [Modulation]) throws {
        let rotated = try background.map { try IonosphericCorrection.apply(theta, to: $0) }
        self.init(spectrum: spectrum, background: rotated, circular: circular)
    }
}
