/// RM synthesis of one spectrum: the quantities RM-Tools' `rmsynth1d` reports, under its
/// key names (``fields``), plus the Faraday-depth sampling.
public struct RMSynthesisResult: Sendable, Equatable {
    /// The dirty FDF's peak and derived quantities.
    public var peak: FDFPeak
    /// The Stokes I fit, re-referenced to `freq0`.
    public var stokesI: StokesIFit
    /// `Ifreq0`: the Stokes I model at `freq0`.
    public var iFreq0: Double
    /// `lam0Sq_m2`: weighted mean lambda^2.
    public var lambda0Squared: Double
    /// `freq0_Hz` = c / sqrt(lambda0^2).
    public var freq0: Double
    /// `fwhmRMSF` = 3.8 / (max lambda^2 - min lambda^2).
    public var fwhmRMSF: Double
    /// `dQU`: median of (dQ + dU) / 2.
    public var dQU: Double
    /// `dFDFth`: theoretical FDF noise.
    public var dFDFth: Double
    /// `min_freq`, `max_freq`: frequency range of the channels used.
    public var minFrequency: Double
    public var maxFrequency: Double
    /// `N_channels`: channels used (non-zero weight, finite q).
    public var channelCount: Int
    /// `median_channel_width`.
    public var medianChannelWidth: Double
    /// `fracPol` = ampPeakPIfitEff / Ifreq0.
    public var fractionalPolarisation: Double
    /// `sigmaAddQ`, `sigmaAddU`, `sigmaAddC` with their errors.
    public var sigmaAddQ: SigmaAdd
    public var sigmaAddU: SigmaAdd
    public var sigmaAddC: SigmaAdd
    /// The Faraday-depth axis of the FDF (dPhi = `axis.step`, N = `axis.count`).
    public var axis: FaradayDepthAxis
    /// `fit_function`.
    public var fitFunction: StokesIFitFunction
    /// `units`.
    public var units = "Jy/beam"

    /// All fields under RM-Tools' key names, in the order `rmsynth1d` writes them.
    public var fields: [(String, FaradayValue)] {
        var f = peak.fields
        f += [("Ifreq0", .number(iFreq0)),
              ("polyCoeffs", .text(FaradayJSON.float32List(stokesI.model.coefficients))),
              ("polyCoefferr", .text(FaradayJSON.float32List(stokesI.errors))),
              ("polyOrd", .integer(stokesI.order)),
              ("IfitStat", .integer(stokesI.status)),
              ("IfitChiSqRed", .number(stokesI.reducedChiSquare)),
              ("fit_function", .text(fitFunction.rawValue)),
              ("lam0Sq_m2", .number(lambda0Squared)),
              ("freq0_Hz", .number(freq0)),
              ("fwhmRMSF", .number(fwhmRMSF)),
              ("dQU", .number(dQU)),
              ("dFDFth", .number(dFDFth)),
              ("units", .text(units)),
              ("min_freq", .number(minFrequency)),
              ("max_freq", .number(maxFrequency)),
              ("N_channels", .integer(channelCount)),
              ("median_channel_width", .number(medianChannelWidth)),
              ("fracPol", .number(fractionalPolarisation))]
        for (suffix, s) in [("Q", sigmaAddQ), ("U", sigmaAddU), ("C", sigmaAddC)] {
            f += [("sigmaAdd" + suffix, .optional(s.value)),
                  ("dSigmaAddMinus" + suffix, .optional(s.minus)),
                  ("dSigmaAddPlus" + suffix, .optional(s.plus))]
        }
        return f
    }

    /// One JSON object with RM-Tools' keys (NaN written as null).
    public var json: String { FaradayJSON.object(fields) }
}

/// RM-CLEAN of one FDF: RM-Tools' `rmclean1d` results under its key names.
public struct RMCleanResult: Sendable, Equatable {
    /// The peak measured again on the restored (clean) FDF.
    public var peak: FDFPeak
    /// `cleanCutoff`: the absolute cutoff used (Jy/beam).
    public var cutoff: Double
    /// `nIter`.
    public var iterations: Int
    /// `mom2CCFDF`: second moment of |clean components| in phi; nil with no components.
    public var componentSecondMoment: Double?
    /// `dPhiObserved_rm2`, `dAmpObserved`, `dPolAngleFitObserved_deg`,
    /// `dPolAngleFit0Observed_deg`: errors scaled by dFDFcorMAD / dFDFth.
    public var phiErrorObserved: Double
    public var amplitudeErrorObserved: Double
    public var angleErrorObserved: Double
    public var angle0ErrorObserved: Double

    public var fields: [(String, FaradayValue)] {
        peak.fields + [("cleanCutoff", .number(cutoff)), ("nIter", .integer(iterations)),
                       ("mom2CCFDF", .optional(componentSecondMoment)),
                       ("dPhiObserved_rm2", .number(phiErrorObserved)),
                       ("dAmpObserved", .number(amplitudeErrorObserved)),
                       ("dPolAngleFitObserved_deg", .number(angleErrorObserved)),
                       ("dPolAngleFit0Observed_deg", .number(angle0ErrorObserved))]
    }

    public var json: String { FaradayJSON.object(fields) }
}
