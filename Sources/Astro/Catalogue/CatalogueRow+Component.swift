extension CatalogueRow {
    /// The per-row columns of one component (flags that need the whole field come later).
    init(_ component: CatalogueComponent) throws(CatalogueError) {
        self.init()
        fillStokesI(component.stokesI)
        if let tile = component.tile { beamDistance = tile.separation }
        if let noise = component.bandNoise { fillBandNoise(noise) }
        fillObservation(component.observation)
        if let beam = component.beam {
            beamMajor = beam.major
            beamMinor = beam.minor
            beamPositionAngle = Self.modulo180(beam.positionAngle)
        }
        ionosphericRM = component.ionosphericRM
        let id = component.stokesI.gaussianID
        switch component.measurement {
        case .measured(let synthesis, let clean):
            // Through the same keys as stored summaries, so both give the same row.
            try fillPolarisation(
                RMSummary(RMSummary.cells(synthesis.fields), name: "rmsynth", component: id, required: RMSummary.requiredSynthesisKeys),
                clean.map { c throws(CatalogueError) in
                    try RMSummary(RMSummary.cells(c.fields), name: "rmclean", component: id, required: RMSummary.requiredCleanKeys)
                })
        case .summaries(let synthesis, let clean):
            try fillPolarisation(
                RMSummary(synthesis, name: "rmsynth", component: id, required: RMSummary.requiredSynthesisKeys),
                clean.map { c throws(CatalogueError) in
                    try RMSummary(c, name: "rmclean", component: id, required: RMSummary.requiredCleanKeys)
                })
        case .failed(let reason, let usable):
            failed = true
            channels = max(0, usable)
            notes.append("RM synthesis failed: " + reason)
        }
        if let noise = component.bandNoise {
            // Measured in the spectra, rather than the FDF noise fillPolarisation put there.
            stokesQError = noise.fullBandNoise.q
            stokesUError = noise.fullBandNoise.u
        }
        replaceInfinities()
    }

    /// The spectra's band-averaged noise (the Stokes I error used by fracpol_err and the
    /// leakage envelope's selection) and backgrounds, and Stokes V when it was extracted.
    private mutating func fillBandNoise(_ n: BandNoise) {
        stokesIError = n.fullBandNoise.i
        stokesIBackground = n.background.i
        stokesQBackground = n.background.q
        stokesUBackground = n.background.u
        if let v = n.circular {
            stokesV = v.mean
            stokesVError = v.fullBandNoise
        }
    }

    private mutating func fillStokesI(_ s: StokesIComponent) {
        ra = s.ra
        dec = s.dec
        raError = s.raError
        decError = s.decError
        // mJy -> Jy, mJy/beam -> Jy/beam.
        totalFlux = s.totalFlux / 1000
        totalFluxError = s.totalFluxError / 1000
        peakFlux = s.peakFlux / 1000
        peakFluxError = s.peakFluxError / 1000
        stokesIError = s.noise / 1000
        major = s.major
        majorError = s.majorError
        minor = s.minor
        minorError = s.minorError
        positionAngle = s.positionAngle
        positionAngleError = s.positionAngleError
        dcMajor = s.deconvolvedMajor
        dcMajorError = s.deconvolvedMajorError
        dcMinor = s.deconvolvedMinor
        dcMinorError = s.deconvolvedMinorError
        dcPositionAngle = s.deconvolvedPositionAngle
        dcPositionAngleError = s.deconvolvedPositionAngleError
        beamDistance = s.separationTileCentre
        gaussianCount = s.gaussianCount
        catalogueID = s.gaussianID
        sourceID = s.sourceID
        tileID = s.tileID
        sbid = s.sbid
        sCode = s.sCode
        startTime = s.obsStartTime
        (l, b) = SkyMath.galactic(ra: s.ra, dec: s.dec)
        // The larger of the two position errors of this row (arcsec -> deg).
        let errors = [s.raError, s.decError].filter { $0.isFinite }
        positionError = errors.max().map { $0 / 3600 } ?? .nan
    }

    private mutating func fillObservation(_ o: CatalogueObservation) {
        field = o.field
        fields = o.fields
        pipelineEpoch = o.epoch
        fieldSBID = o.sbid
        if let t = o.integrationTime, t.isFinite {
            integrationTime = t
            observationInterval = t / 86_400
            if let start = o.scanStart, start.isFinite {
                medianEpoch = (start + t / 2) / 86_400
            } else if startTime.isFinite {
                medianEpoch = startTime + t / 2 / 86_400
            }
        }
    }

    /// The polarisation columns from RM-Tools-keyed summaries: RM-CLEAN's peak keys when
    /// there is a CLEAN summary, RM synthesis otherwise; everything else from synthesis.
    private mutating func fillPolarisation(_ s: RMSummary, _ clean: RMSummary?) throws(CatalogueError) {
        let peak = clean ?? s
        rm = try peak.number("phiPeakPIfit_rm2")
        rmError = try peak.number("dPhiPeakPIfit_rm2")
        polint = try peak.number("ampPeakPIfitEff")
        polintError = try peak.number("dAmpPeakPIfit")
        stokesQ = try peak.number("peakFDFrealFit")
        stokesU = try peak.number("peakFDFimagFit")
        // The FDF's real and imaginary parts each carry the theoretical noise.
        stokesQError = polintError
        stokesUError = polintError
        polangle = try peak.number("polAngleFit_deg")
        polangleError = try peak.number("dPolAngleFit_deg")
        derotatedPolangle = try peak.number("polAngle0Fit_deg")
        derotatedPolangleError = try peak.number("dPolAngle0Fit_deg")
        snr = try peak.number("snrPIfit")
        fdfNoiseMAD = try peak.number("dFDFcorMAD")
        if let clean {
            rmWidth = try clean.number("mom2CCFDF")
        } else {
            notes.append("no RM-CLEAN result: rm, polint and angles are from RM synthesis")
        }

        referenceFrequency = try s.number("freq0_Hz")
        // RM-Tools re-references the Stokes I model to freq0 unless it says otherwise.
        let polyReference = try s.number("poly_reffreq")
        stokesIReferenceFrequency = polyReference.isFinite ? polyReference : referenceFrequency
        fdfNoiseTheoretical = try s.number("dFDFth")
        rmsfFWHM = try s.number("fwhmRMSF")
        referenceWavelengthSquared = try s.number("lam0Sq_m2")
        minimumFrequency = try s.number("min_freq")
        maximumFrequency = try s.number("max_freq")
        channelWidth = try s.number("median_channel_width")
        channels = try s.integer("N_channels") ?? 0
        channelNoise = try s.number("dQU")
        stokesIReducedChiSquare = try s.number("IfitChiSqRed")

        let iFreq0 = try s.number("Ifreq0")
        let coefficients = try s.numbers("polyCoeffs")
        let errors = try s.numbers("polyCoefferr")
        fitStatus = try s.integer("IfitStat")
        let status = fitStatus ?? 0
        fitIsNegative = status & StokesIFit.negativeModelFlag != 0
        fitIsCloseToZero = status & StokesIFit.lowSignalFlag != 0
        fitIsNotFinite = !iFreq0.isFinite || coefficients.contains { !$0.isFinite }
        stokesIFitFlag = fitIsNegative || fitIsCloseToZero || fitIsNotFinite
        modelCoefficients = s.text("polyCoeffs")
        modelCoefficientErrors = s.text("polyCoefferr")
        modelOrder = try s.integer("polyOrd")
        if s.text("fit_function") == StokesIFitFunction.log.rawValue && coefficients.count == 6 {
            // I = C5 x^(C4 + C3 L + ...) about the reference frequency: C4 is the spectral
            // index there (the original reads the second-last coefficient).
            spectralIndex = coefficients[4]
            spectralIndexError = errors.count == 6 ? errors[4] : .nan
        }

        if iFreq0 > 0 && iFreq0.isFinite {
            stokesI = iFreq0
            fracpol = try s.number("fracPol")
            if fracpol.isFinite && polint > 0 {
                fracpolError = abs(fracpol) * ((polintError / polint) * (polintError / polint)
                    + (stokesIError / stokesI) * (stokesIError / stokesI)).squareRoot()
            }
        } else {
            notes.append("Stokes I model at reffreq_pol is not positive (Ifreq0 = \(iFreq0)): stokesI and fracpol left blank")
        }

        sigmaAdd = try s.number("sigmaAddC")
        sigmaAddMinus = try s.number("dSigmaAddMinusC")
        sigmaAddPlus = try s.number("dSigmaAddPlusC")
        sigmaAddError = (sigmaAddMinus + sigmaAddPlus) / 2
    }

    /// The original replaces infinities by NaN in every real column; so do we.
    private mutating func replaceInfinities() {
        func fix(_ x: inout Double) { if x.isInfinite { x = .nan } }
        fix(&rm); fix(&rmError); fix(&polint); fix(&polintError); fix(&snr); fix(&fracpol); fix(&fracpolError)
        fix(&rmWidth); fix(&fdfNoiseMAD); fix(&stokesQ); fix(&stokesU); fix(&stokesIReducedChiSquare)
        fix(&sigmaAdd); fix(&sigmaAddError); fix(&sigmaAddMinus); fix(&sigmaAddPlus)
        fix(&spectralIndex); fix(&spectralIndexError); fix(&polangleError); fix(&derotatedPolangleError)
        fix(&stokesIError); fix(&stokesQError); fix(&stokesUError)
        fix(&stokesIBackground); fix(&stokesQBackground); fix(&stokesUBackground)
        fix(&stokesV); fix(&stokesVError)
    }

    /// x mod 180 in [0, 180).
    static func modulo180(_ x: Double) -> Double {
        let r = x.truncatingRemainder(dividingBy: 180)
        return r < 0 ? r + 180 : r
    }
}
