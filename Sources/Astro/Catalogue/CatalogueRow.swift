/// One catalogue row as typed values, before the schema turns rows into columns.
/// Units are the catalogue's output units (Jy, Jy/beam, deg, arcsec, Hz, rad/m^2, MJD).
struct CatalogueRow: Sendable {
    // Stokes I catalogue.
    var ra = Double.nan, raError = Double.nan, dec = Double.nan, decError = Double.nan
    var totalFlux = Double.nan, totalFluxError = Double.nan
    var peakFlux = Double.nan, peakFluxError = Double.nan
    var major = Double.nan, majorError = Double.nan, minor = Double.nan, minorError = Double.nan
    var positionAngle = Double.nan, positionAngleError = Double.nan
    var dcMajor = Double.nan, dcMajorError = Double.nan, dcMinor = Double.nan, dcMinorError = Double.nan
    var dcPositionAngle = Double.nan, dcPositionAngleError = Double.nan
    var stokesIError = Double.nan
    var beamDistance = Double.nan
    var gaussianCount: Int?
    var catalogueID = "", sourceID = "", tileID = "", sbid = "", sCode = ""
    var startTime = Double.nan

    // RM-CLEAN, falling back to RM synthesis.
    var rm = Double.nan, rmError = Double.nan
    var polint = Double.nan, polintError = Double.nan
    var stokesQ = Double.nan, stokesU = Double.nan
    var polangle = Double.nan, polangleError = Double.nan
    var derotatedPolangle = Double.nan, derotatedPolangleError = Double.nan
    var snr = Double.nan
    var rmWidth = Double.nan
    var fdfNoiseMAD = Double.nan

    // RM synthesis.
    var fracpol = Double.nan, fracpolError = Double.nan
    var referenceFrequency = Double.nan, stokesIReferenceFrequency = Double.nan
    var fdfNoiseTheoretical = Double.nan
    var rmsfFWHM = Double.nan
    var referenceWavelengthSquared = Double.nan
    var stokesI = Double.nan
    var fitStatus: Int?
    var fitIsNegative = false, fitIsCloseToZero = false, fitIsNotFinite = false
    var stokesIReducedChiSquare = Double.nan
    var minimumFrequency = Double.nan, maximumFrequency = Double.nan, channelWidth = Double.nan
    var channels = 0
    var modelCoefficients = "", modelCoefficientErrors = ""
    var modelOrder: Int?
    var channelNoise = Double.nan
    var sigmaAdd = Double.nan, sigmaAddError = Double.nan
    var sigmaAddMinus = Double.nan, sigmaAddPlus = Double.nan
    var spectralIndex = Double.nan, spectralIndexError = Double.nan
    var stokesQError = Double.nan, stokesUError = Double.nan
    // The spectra's band-averaged backgrounds (BandNoise).
    var stokesIBackground = Double.nan, stokesQBackground = Double.nan, stokesUBackground = Double.nan
    // The V spectrum's band average and its noise (BandNoise.circular); blank without one.
    var stokesV = Double.nan, stokesVError = Double.nan

    // Cube header.
    var beamMajor = Double.nan, beamMinor = Double.nan, beamPositionAngle = Double.nan

    // Observation.
    var field = "", pipelineEpoch = 0
    var fields: [String] = []
    var fieldSBID: Int?
    var integrationTime = Double.nan, medianEpoch = Double.nan, observationInterval = Double.nan
    var l = Double.nan, b = Double.nan
    var positionError = Double.nan

    // Flags (true = do not trust, for the reason named).
    var failed = false
    var snrFlag = false, leakageFlag = false, channelFlag = false, stokesIFitFlag = false
    var complexSigmaAddFlag = false, complexM2CCFlag = false
    /// "Y", "N" or "U" (RMTable).
    var complexFlag = "U"
    var localRMFlag = false
    var isBlended = false, blendedCount = 0, blendRatio = Double.nan
    var leakage = Double.nan
    var notes: [String] = []
    /// FRion's RM removed from this row's spectrum; nil when it was not corrected.
    var ionosphericRM: Double?
}
