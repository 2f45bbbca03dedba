/// The catalogue's columns in output order: name, unit, UCD, description and how each is
/// read off the rows. RMTable v1.3 columns use the standard's names, UCDs and descriptions
/// (units: the standard's, except Jy/beam for per-beam flux densities); the original's
/// extra columns keep its names and UCDs.
enum CatalogueSchema {
    struct Spec {
        var name: String
        var unit: CatalogueUnit
        var ucd: String
        var description: String
        var values: ([CatalogueRow]) -> CatalogueValues
    }

    static func real(_ name: String, _ unit: CatalogueUnit, _ ucd: String, _ description: String,
                     _ value: @escaping (CatalogueRow) -> Double) -> Spec {
        Spec(name: name, unit: unit, ucd: ucd, description: description) { .real($0.map(value)) }
    }

    static func integer(_ name: String, _ ucd: String, _ description: String,
                        _ value: @escaping (CatalogueRow) -> Int?) -> Spec {
        Spec(name: name, unit: .none, ucd: ucd, description: description) { .integer($0.map(value)) }
    }

    static func logical(_ name: String, _ ucd: String, _ description: String,
                        _ value: @escaping (CatalogueRow) -> Bool) -> Spec {
        Spec(name: name, unit: .none, ucd: ucd, description: description) { .logical($0.map(value)) }
    }

    static func text(_ name: String, _ ucd: String, _ description: String,
                     _ value: @escaping (CatalogueRow) -> String) -> Spec {
        Spec(name: name, unit: .none, ucd: ucd, description: description) { .text($0.map(value)) }
    }

    /// Every column, in order. `options` supplies the constant columns.
    static func specs(_ options: CatalogueOptions) -> [Spec] {
        stokesIColumns() + polarisationColumns() + flagColumns() + observationColumns(options) + extraColumns()
    }

    static func stokesIColumns() -> [Spec] {
        let deg = CatalogueUnit.degree, arcsec = CatalogueUnit.arcsec
        let jy = CatalogueUnit.jansky, jyBeam = CatalogueUnit.janskyPerBeam
        return [
            real("ra", deg, "pos.eq.ra;meta.main", "Right Ascension [ICRS]") { $0.ra },
            real("ra_err", arcsec, "stat.error;pos.eq.ra", "Error in Right Ascension") { $0.raError },
            real("dec", deg, "pos.eq.dec;meta.main", "Declination [ICRS]") { $0.dec },
            real("dec_err", arcsec, "stat.error;pos.eq.dec", "Error in Declination") { $0.decError },
            real("total_I_flux", jy, "phot.flux.density;arith.sum;phys.polarization.stokes.I",
                 "Total flux density in Stokes I") { $0.totalFlux },
            real("total_I_flux_err", jy, "stat.error;phot.flux.density;arith.sum;phys.polarization.stokes.I",
                 "Error in total flux density in Stokes I") { $0.totalFluxError },
            real("peak_I_flux", jyBeam, "phot.flux.density;stat.max;phys.polarization.stokes.I",
                 "Peak flux density in Stokes I") { $0.peakFlux },
            real("peak_I_flux_err", jyBeam, "stat.error;phot.flux.density;stat.max;phys.polarization.stokes.I",
                 "Error in peak flux density in Stokes I") { $0.peakFluxError },
            real("maj_axis", arcsec, "phys.angSize.smajAxis", "Major axis of Gaussian fit") { $0.major },
            real("maj_axis_err", arcsec, "stat.error;phys.angSize.smajAxis", "Error in major axis of Gaussian fit") { $0.majorError },
            real("min_axis", arcsec, "phys.angSize.sminAxis", "Minor axis of Gaussian fit") { $0.minor },
            real("min_axis_err", arcsec, "stat.error;phys.angSize.sminAxis", "Error in minor axis of Gaussian fit") { $0.minorError },
            real("pa", deg, "phys.angSize;pos.posAng", "Position angle of Gaussian fit") { $0.positionAngle },
            real("pa_err", deg, "stat.error;phys.angSize;pos.posAng", "Error in position angle of Gaussian fit") { $0.positionAngleError },
            real("dc_maj_axis", arcsec, "phys.angSize.smajAxis", "Major axis of deconvolved Gaussian fit") { $0.dcMajor },
            real("dc_maj_axis_err", arcsec, "stat.error;phys.angSize.smajAxis",
                 "Error in major axis of deconvolved Gaussian fit") { $0.dcMajorError },
            real("dc_min_axis", arcsec, "phys.angSize.sminAxis", "Minor axis of deconvolved Gaussian fit") { $0.dcMinor },
            real("dc_min_axis_err", arcsec, "stat.error;phys.angSize.sminAxis",
                 "Error in minor axis of deconvolved Gaussian fit") { $0.dcMinorError },
            real("dc_pa", deg, "phys.angSize;pos.posAng", "Position angle of deconvolved Gaussian fit") { $0.dcPositionAngle },
            real("dc_pa_err", deg, "stat.error;phys.angSize;pos.posAng",
                 "Error in position angle of deconvolved Gaussian fit") { $0.dcPositionAngleError },
            real("stokesI_err", jyBeam, "stat.error;phot.flux.density;phys.polarization.stokes.I",
                 "Error in Stokes I") { $0.stokesIError },
            real("beamdist", deg, "pos.angDistance;instr.beam",
                 "Distance from beam centre - taken as centre of tile") { $0.beamDistance },
            integer("N_Gaus", "meta.number", "Number of Gaussians associated with source") { $0.gaussianCount },
            text("cat_id", "meta.id;meta.main", "Gaussian ID") { $0.catalogueID },
            text("source_id", "meta.id", "Source ID") { $0.sourceID },
            text("tile_id", "meta.id", "Tile ID") { $0.tileID },
            text("sbid", "meta.id", "Scheduling Block ID") { $0.sbid },
            real("start_time", .day, "time.start", "Observation start time (MJD)") { $0.startTime },
            real("separation_tile_centre", deg, "pos.angDistance", "Separation from tile centre") { $0.beamDistance },
            text("s_code", "meta.code.class", "Source complexity classification") { $0.sCode },
        ]
    }

    static func polarisationColumns() -> [Spec] {
        let deg = CatalogueUnit.degree, jyBeam = CatalogueUnit.janskyPerBeam, hz = CatalogueUnit.hertz
        let rm = CatalogueUnit.radianPerSquareMetre
        return [
            real("rm", rm, "phys.polarization.rotMeasure;meta.main", "Rotation measure") { $0.rm },
            real("rm_err", rm, "stat.error;phys.polarization.rotMeasure", "Error in RM") { $0.rmError },
            real("polint", jyBeam, "phot.flux.density;phys.polarization.linear", "Polarized intensity") { $0.polint },
            real("polint_err", jyBeam, "stat.error;phot.flux.density;phys.polarization.linear", "Error in Pol.Int.") { $0.polintError },
            real("stokesQ", jyBeam, "phot.flux.density;phys.polarization.stokes.Q", "Stokes Q") { $0.stokesQ },
            real("stokesU", jyBeam, "phot.flux.density;phys.polarization.stokes.U", "Stokes U") { $0.stokesU },
            real("polangle", deg, "pos.posAng;phys.polarization.linear", "Electric vector polarization angle") { $0.polangle },
            real("polangle_err", deg, "stat.error;pos.posAng;phys.polarization.linear", "Error in EVPA") { $0.polangleError },
            real("derot_polangle", deg, "pos.posAng;phys.polarization.linear", "De-rotated EVPA") { $0.derotatedPolangle },
            real("derot_polangle_err", deg, "stat.error;pos.posAng;phys.polarization.linear",
                 "Error in De-rotated EVPA") { $0.derotatedPolangleError },
            real("fracpol", .none, "phys.polarization.linear", "Fractional (linear) polarization") { $0.fracpol },
            real("reffreq_pol", hz, "em.freq;phys.polarization", "Reference frequency for polarization") { $0.referenceFrequency },
            real("reffreq_beam", hz, "em.freq;instr.beam", "Reference frequency for beam") { $0.referenceFrequency },
            real("reffreq_I", hz, "em.freq;phys.polarization.stokes.I", "Reference frequency for Stokes I") { $0.stokesIReferenceFrequency },
            real("fdf_noise_th", jyBeam, "stat.error;phot.flux.density;phys.polarization.linear",
                 "Theoretical FDF noise") { $0.fdfNoiseTheoretical },
            real("rmsf_fwhm", rm, "instr.rmsf;stat.fwhm", "Full-width at half maximum of the RMSF") { $0.rmsfFWHM },
            real("refwave_sq_pol", .squareMetre, "em.wl;arith.squared", "Reference wavelength squared") { $0.referenceWavelengthSquared },
            real("stokesI", jyBeam, "phot.flux.density;phys.polarization.stokes.I", "Stokes I") { $0.stokesI },
            logical("stokesI_fit_flag_is_negative", "meta.code.qual", "Stokes I model is negative flag") { $0.fitIsNegative },
            logical("stokesI_fit_flag_is_close_to_zero", "meta.code.qual",
                    "Stokes I model is close to zero flag") { $0.fitIsCloseToZero },
            logical("stokesI_fit_flag_is_not_finite", "meta.code.qual", "Stokes I model is not finite flag") { $0.fitIsNotFinite },
            real("stokesI_chi2_red", .none, "stat.fit.chi2;phot.flux.density;phys.polarization.stokes.I",
                 "Reduced chi-squared of Stokes I fit") { $0.stokesIReducedChiSquare },
            real("snr_polint", .none, "stat.snr;phot.flux.density;phys.polarization.linear",
                 "SNR of polarized intensity") { $0.snr },
            real("minfreq", hz, "em.freq;stat.min", "Lowest frequency") { $0.minimumFrequency },
            real("maxfreq", hz, "em.freq;stat.max", "Highest frequency") { $0.maximumFrequency },
            real("channelwidth", hz, "em.freq;instr.bandwidth", "Typical channel width") { $0.channelWidth },
            integer("Nchan", "meta.number", "Number of channels") { $0.channels },
            real("rm_width", rm, "phys.polarization.rotMeasure;stat.fwhm", "Width in Faraday depth") { $0.rmWidth },
            text("stokesI_model_coef", "stat.fit.param;phys.polarization.stokes.I",
                 "Stokes I model coefficients") { $0.modelCoefficients },
            text("stokesI_model_coef_err", "stat.error;stat.fit.param;phys.polarization.stokes.I",
                 "Error in Stokes I model coefficients") { $0.modelCoefficientErrors },
            integer("stokesI_model_order", "meta.number;stat.fit", "Order of Stokes I model") { $0.modelOrder },
            real("noise_chan", jyBeam, "stat.error;instr.det.noise", "Typical per-channel noise in Q;U") { $0.channelNoise },
            real("fdf_noise_mad", jyBeam, "stat.error;phot.flux.density;phys.polarization.linear",
                 "Median absolute deviation of FDF noise") { $0.fdfNoiseMAD },
            real("beam_maj", deg, "pos.angResolution;instr.beam;phys.angSize.smajAxis", "Beam major axis") { $0.beamMajor },
            real("beam_min", deg, "pos.angResolution;instr.beam;phys.angSize.sminAxis", "Beam minor axis") { $0.beamMinor },
            real("beam_pa", deg, "pos.angResolution;instr.beam;pos.posAng", "Beam position angle") { $0.beamPositionAngle },
            real("sigma_add", .none, "stat.stdev;phys.polarization.rotMeasure",
                 "Sigma_add complexity metric (Q and U combined)") { $0.sigmaAdd },
            real("sigma_add_err", .none, "stat.error;phys.polarization.rotMeasure",
                 "Error in Sigma_add complexity metric (mean of the lower and upper errors)") { $0.sigmaAddError },
            real("sigma_add_err_minus", .none, "stat.error;phys.polarization.rotMeasure",
                 "Lower error in Sigma_add (median - 15.72nd percentile)") { $0.sigmaAddMinus },
            real("sigma_add_err_plus", .none, "stat.error;phys.polarization.rotMeasure",
                 "Upper error in Sigma_add (84.27th percentile - median)") { $0.sigmaAddPlus },
        ]
    }

    static func flagColumns() -> [Spec] {
        [
            logical("snr_flag", "meta.code.qual", "SNR flag") { $0.snrFlag },
            logical("leakage_flag", "meta.code.qual", "Leakage flag") { $0.leakageFlag },
            logical("channel_flag", "meta.code.qual", "Channel flag") { $0.channelFlag },
            logical("stokesI_fit_flag", "meta.code.qual", "Stokes I fit flag") { $0.stokesIFitFlag },
            logical("complex_sigma_add_flag", "meta.code", "Sigma_add complexity flag") { $0.complexSigmaAddFlag },
            logical("complex_M2_CC_flag", "meta.code", "Second moment complexity flag") { $0.complexM2CCFlag },
            logical("local_rm_flag", "meta.code", "RM is statistically different from nearby RMs") { $0.localRMFlag },
            logical("is_blended_flag", "meta.code", "Component is within beamwidth of another component.") { $0.isBlended },
            real("blend_ratio", .none, "phot.flux.density;arith.ratio",
                 "Ratio of total flux of this component to total flux of components that blend with it.") { $0.blendRatio },
            integer("N_blended", "meta.number", "Number of components that blend with this component.") { $0.blendedCount },
        ]
    }

    static func observationColumns(_ o: CatalogueOptions) -> [Spec] {
        let deg = CatalogueUnit.degree
        return [
            real("spectral_index", .none, "spect.index", "Stokes I spectral index") { $0.spectralIndex },
            real("spectral_index_err", .none, "stat.error;spect.index", "Error in spectral index") { $0.spectralIndexError },
            real("int_time", .second, "time.duration;obs.exposure", "Integration time") { $0.integrationTime },
            real("epoch", .day, "time.epoch", "Median epoch of observation") { $0.medianEpoch },
            real("obs_interval", .day, "time.interval", "Interval of observation") { $0.observationInterval },
            real("l", deg, "pos.galactic.lon", "Galactic Longitude") { $0.l },
            real("b", deg, "pos.galactic.lat", "Galactic Latitude") { $0.b },
            real("pos_err", deg, "stat.error;pos", "Position uncertainty") { $0.positionError },
            text("rm_method", "meta.note", "RM determination method") { _ in o.rmMethod },
            text("telescope", "instr.tel", "Name of Telescope(s)") { _ in o.telescope },
            text("pol_bias", "meta.note", "Polarization bias correction method") { _ in o.polarisationBias },
            text("catalog_name", "meta.note", "Name of catalog") { _ in o.catalogName },
            text("ionosphere", "meta.note", "Ionospheric correction method") { $0.ionosphericRM == nil ? o.ionosphere : "FRion" },
            text("flux_type", "meta.note", "Stokes extraction method") { _ in o.fluxType },
            real("aperture", deg, "phys.angSize", "Integration aperture") { _ in o.aperture },
            real("leakage", .none, "phys.polarization.linear", "Instrumental leakage estimate") { $0.leakage },
            text("complex_flag", "meta.code", "Faraday complexity flag") { $0.complexFlag },
            text("complex_test", "meta.note", "Faraday complexity metric") { _ in o.complexityTest },
            real("rm_width_err", .radianPerSquareMetre, "stat.error;phys.polarization.rotMeasure;stat.fwhm",
                 "Error in width") { _ in .nan },
            integer("Ncomp", "meta.number", "Number of RM components") { _ in 1 },
            real("fracpol_err", .none, "stat.error;phys.polarization.linear",
                 "Error in fractional polarization") { $0.fracpolError },
            real("stokesQ_err", .janskyPerBeam, "stat.error;phot.flux.density;phys.polarization.stokes.Q",
                 "Error in Stokes Q") { $0.stokesQError },
            real("stokesU_err", .janskyPerBeam, "stat.error;phot.flux.density;phys.polarization.stokes.U",
                 "Error in Stokes U") { $0.stokesUError },
            real("stokesI_bkg", .janskyPerBeam, "instr.background;phot.flux.density;phys.polarization.stokes.I",
                 "Background in Stokes I (band average), subtracted from the spectrum") { $0.stokesIBackground },
            real("stokesQ_bkg", .janskyPerBeam, "instr.background;phot.flux.density;phys.polarization.stokes.Q",
                 "Background in Stokes Q (band average), subtracted from the spectrum") { $0.stokesQBackground },
            real("stokesU_bkg", .janskyPerBeam, "instr.background;phot.flux.density;phys.polarization.stokes.U",
                 "Background in Stokes U (band average), subtracted from the spectrum") { $0.stokesUBackground },
            real("stokesV", .janskyPerBeam, "phot.flux.density;phys.polarization.stokes.V", "Stokes V") { $0.stokesV },
            real("stokesV_err", .janskyPerBeam, "stat.error;phot.flux.density;phys.polarization.stokes.V",
                 "Error in Stokes V") { $0.stokesVError },
            text("dataref", "meta.bib.bibcode", "Data references") { _ in "" },
            text("type", "src.class", "Source classification") { _ in "" },
            text("notes", "meta.note", "Notes") { $0.notes.joined(separator: "; ") },
        ]
    }

    static func extraColumns() -> [Spec] {
        [
            text("field", "meta.id;obs.field", "Field (or merged region) whose polarisation data were measured") { $0.field },
            text("fields", "meta.id;obs.field", "Fields whose beams were mosaicked for this row, comma-separated (several for an island a merged region sees from more than one field)") {
                $0.fields.joined(separator: ",")
            },
            integer("field_epoch", "meta.id", "Pipeline epoch of the field's observation") { $0.pipelineEpoch },
            integer("field_sbid", "meta.id", "Scheduling Block ID of the field's observation") { $0.fieldSBID },
            integer("stokesI_fit_status", "meta.code.status",
                    "RM-Tools IfitStat: fitter status + 64 (model below dI) + 128 (model negative)") { $0.fitStatus },
            logical("rmsynth_failed", "meta.code.error", "RM synthesis failed; the reason is in notes") { $0.failed },
            real("rm_ion", .radianPerSquareMetre, "phys.polarization.rotMeasure;obs.atmos",
                 "Ionospheric RM removed before RM synthesis (FRion, time average); blank if not corrected") { $0.ionosphericRM ?? .nan },
        ]
    }
}
