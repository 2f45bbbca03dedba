/// What the polarisation stage produced for one component in one field: the RM synthesis
/// (and RM-CLEAN) results, or why there are none.
public enum CatalogueMeasurement: Sendable, Equatable {
    /// RM synthesis succeeded; `clean` is nil when RM-CLEAN was not run or failed (the
    /// clean-derived columns then fall back to the synthesis values; `rm_width` is NaN).
    case measured(synthesis: RMSynthesisResult, clean: RMCleanResult?)
    /// The same results as RM-Tools-keyed summaries, as the pipeline database stores them
    /// (`rm_outputs_1d[].rmsynth_summary` and `.rmclean_summary`, or the `_RMsynth.json` and
    /// `_RMclean.json` files): `phiPeakPIfit_rm2`, `ampPeakPIfitEff`, `snrPIfit`, `Ifreq0`,
    /// `polyCoeffs`, `IfitStat`, `fwhmRMSF`, `sigmaAddC`, `mom2CCFDF`, ... (JSON null = NaN).
    /// Gives the same row as `.measured` with the results the summaries were made from.
    /// An element with `rmsynth1d: false` is `.failed(reason: <its error>, channels: 0)`.
    case summaries(synthesis: [String: CatalogueCell], clean: [String: CatalogueCell]?)
    /// RM synthesis failed (corrupt or all-NaN spectrum, fit failure, ...). The row keeps its
    /// Stokes I columns; polarisation columns are NaN, `rmsynth_failed` is true, every quality
    /// flag is set, `complex_flag` is "U", and `notes` holds `reason`. `channels` is the number
    /// of usable channels, if known (0 otherwise), written as `Nchan`.
    case failed(reason: String, channels: Int)
}

/// Everything one catalogue row needs, as plain values.
public struct CatalogueComponent: Sendable, Equatable {
    /// The Stokes I catalogue row.
    public var stokesI: StokesIComponent
    /// The field and epoch whose data were measured.
    public var observation: CatalogueObservation
    /// The restoring beam of the cube (BMAJ, BMIN, BPA in degrees); nil when unknown
    /// (the beam columns are then NaN).
    public var beam: RestoringBeam?
    /// RM synthesis and RM-CLEAN results, or the failure.
    public var measurement: CatalogueMeasurement
    /// The ionospheric RM (rad/m^2, FRion's time average) removed from the spectrum before
    /// RM synthesis; nil when the spectrum was not corrected (`ionosphere` is then "None").
    public var ionosphericRM: Double?
    /// Where the component sits in the footprint it was measured in (`beamdist`,
    /// `separation_tile_centre`); nil: the Stokes I catalogue's `Separation_Tile_Centre`.
    public var tile: TilePlacement?
    /// The band-averaged noise and background of its spectra (`stokesI_err`, `stokesQ_err`,
    /// `stokesU_err`, `stokes*_bkg`); nil when not measured: `stokesI_err` is then the Stokes
    /// I catalogue's `Noise`, `stokesQ_err`/`stokesU_err` the FDF noise, the backgrounds blank.
    public var bandNoise: BandNoise?

    public init(stokesI: StokesIComponent, observation: CatalogueObservation, beam: RestoringBeam?,
                measurement: CatalogueMeasurement, ionosphericRM: Double? = nil,
                tile: TilePlacement? = nil, bandNoise: BandNoise? = nil) {
        self.ionosphericRM = ionosphericRM
        self.tile = tile
        self.bandNoise = bandNoise
        self.stokesI = stokesI
        self.observation = observation
        self.beam = beam
        self.measurement = measurement
    }
}
