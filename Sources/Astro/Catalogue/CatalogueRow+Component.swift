extension CatalogueRow {
    /// The per-row columns of one component (flags that need the whole field come later).
    init(_ component: CatalogueComponent) {
        self.init()
        fillStokesI(component.stokesI)
        fillObservation(component.observation)
        if let beam = component.beam {
            beamMajor = beam.major
            beamMinor = beam.minor
            beamPositionAngle = Self.modulo180(beam.positionAngle)
        }
        switch component.measurement {
        case .measured(let synthesis, let clean):
            fillPolarisation(synthesis, clean)
        case .failed(let reason, let usable):
            failed = true
            channels = max(0, usable)
            notes.append("RM synthesis failed: " + reason)
        }
        replaceInfinities()
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

    private mutating func fillPolarisation(_ s: RMSynthesisResult, _ clean: RMCleanResult?) {
        let peak = clean?.peak ?? s.peak
        rm = peak.phi
        rmError = peak.phiError
        polint = peak.amplitudeEffective
        polintError = peak.amplitudeError
        stokesQ = peak.real
        stokesU = peak.imaginary
        stokesQError = peak.amplitudeError
        stokesUError = peak.amplitudeError
        polangle = peak.angle
        polangleError = peak.angleError
        derotatedPolangle = peak.angle0
        derotatedPolangleError = peak.angle0Error
        snr = peak.snr
        fdfNoiseMAD = peak.noiseMAD
        if let clean {
            rmWidth = clean.componentSecondMoment ?? .nan
        } else {
            notes.append("no RM-CLEAN result: rm, polint and angles are from RM synthesis")
        }

        referenceFrequency = s.freq0
        stokesIReferenceFrequency = s.stokesI.model.referenceFrequency
        fdfNoiseTheoretical = s.dFDFth
        rmsfFWHM = s.fwhmRMSF
        referenceWavelengthSquared = s.lambda0Squared
        minimumFrequency = s.minFrequency
        maximumFrequency = s.maxFrequency
        channelWidth = s.medianChannelWidth
        channels = s.channelCount
        channelNoise = s.dQU
        stokesIReducedChiSquare = s.stokesI.reducedChiSquare

        let fit = s.stokesI
        fitStatus = fit.status
        fitIsNegative = fit.status & StokesIFit.negativeModelFlag != 0
        fitIsCloseToZero = fit.status & StokesIFit.lowSignalFlag != 0
        fitIsNotFinite = !s.iFreq0.isFinite || fit.model.coefficients.contains { !$0.isFinite }
        stokesIFitFlag = fitIsNegative || fitIsCloseToZero || fitIsNotFinite
        modelCoefficients = FaradayJSON.float32List(fit.model.coefficients)
        modelCoefficientErrors = FaradayJSON.float32List(fit.errors)
        modelOrder = fit.order
        if s.fitFunction == .log && fit.model.coefficients.count == 6 {
            // I = C5 x^(C4 + C3 L + ...) about freq0: C4 is the spectral index there.
            spectralIndex = fit.model.coefficients[4]
            spectralIndexError = fit.errors.count == 6 ? fit.errors[4] : .nan
        }

        if s.iFreq0 > 0 && s.iFreq0.isFinite {
            stokesI = s.iFreq0
            fracpol = s.fractionalPolarisation
            if fracpol.isFinite && polint > 0 {
                fracpolError = abs(fracpol) * ((polintError / polint) * (polintError / polint)
                    + (stokesIError / stokesI) * (stokesIError / stokesI)).squareRoot()
            }
        } else {
            notes.append("Stokes I model at reffreq_pol is not positive (Ifreq0 = \(s.iFreq0)): stokesI and fracpol left blank")
        }

        sigmaAdd = s.sigmaAddC.value
        sigmaAddMinus = s.sigmaAddC.minus
        sigmaAddPlus = s.sigmaAddC.plus
        sigmaAddError = (s.sigmaAddC.minus + s.sigmaAddC.plus) / 2
    }

    /// The original replaces infinities by NaN in every real column; so do we.
    private mutating func replaceInfinities() {
        func fix(_ x: inout Double) { if x.isInfinite { x = .nan } }
        fix(&rm); fix(&rmError); fix(&polint); fix(&polintError); fix(&snr); fix(&fracpol); fix(&fracpolError)
        fix(&rmWidth); fix(&fdfNoiseMAD); fix(&stokesQ); fix(&stokesU); fix(&stokesIReducedChiSquare)
        fix(&sigmaAdd); fix(&sigmaAddError); fix(&sigmaAddMinus); fix(&sigmaAddPlus)
        fix(&spectralIndex); fix(&spectralIndexError); fix(&polangleError); fix(&derotatedPolangleError)
    }

    /// x mod 180 in [0, 180).
    static func modulo180(_ x: Double) -> Double {
        let r = x.truncatingRemainder(dividingBy: 180)
        return r < 0 ? r + 180 : r
    }
}
