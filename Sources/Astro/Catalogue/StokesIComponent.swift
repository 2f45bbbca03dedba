import Foundation

/// The Stokes I catalogue row of one Gaussian component (RACS-low DR1, Hale et al. 2021),
/// with the columns the polarisation catalogue uses, in the catalogue's own units:
/// positions in degrees, position errors and sizes in arcsec, fluxes in mJy (mJy/beam for
/// peak fluxes and `Noise`), angles in degrees, `Obs_Start_Time` in MJD (days).
/// Missing optional numbers are NaN, missing optional texts empty.
public struct StokesIComponent: Sendable, Equatable {
    /// `Gaussian_ID`, `Source_ID`, `Tile_ID`.
    public var gaussianID: String
    public var sourceID: String
    public var tileID: String
    /// `SBID` of the Stokes I observation, as text (the original writes it as a string).
    public var sbid: String
    /// `Obs_Start_Time` (MJD).
    public var obsStartTime: Double
    /// `N_Gaus`: Gaussians in the component's island (nil when absent).
    public var gaussianCount: Int?
    /// `RA`, `Dec` (deg); `E_RA`, `E_Dec` (arcsec).
    public var ra: Double
    public var dec: Double
    public var raError: Double
    public var decError: Double
    /// `Total_flux_Gaussian`, `E_Total_flux_Gaussian` (mJy).
    public var totalFlux: Double
    public var totalFluxError: Double
    /// `Peak_flux`, `E_Peak_flux` (mJy/beam).
    public var peakFlux: Double
    public var peakFluxError: Double
    /// `Maj`, `E_Maj`, `Min`, `E_Min` (arcsec); `PA`, `E_PA` (deg).
    public var major: Double
    public var majorError: Double
    public var minor: Double
    public var minorError: Double
    public var positionAngle: Double
    public var positionAngleError: Double
    /// Deconvolved sizes: `DC_Maj`, `E_DC_Maj`, `DC_Min`, `E_DC_Min` (arcsec); `DC_PA`, `E_DC_PA` (deg).
    public var deconvolvedMajor: Double
    public var deconvolvedMajorError: Double
    public var deconvolvedMinor: Double
    public var deconvolvedMinorError: Double
    public var deconvolvedPositionAngle: Double
    public var deconvolvedPositionAngleError: Double
    /// `S_Code`: S, M or C.
    public var sCode: String
    /// `Separation_Tile_Centre` (deg).
    public var separationTileCentre: Double
    /// `Noise`: local rms at the component (mJy/beam).
    public var noise: Double

    /// Columns without which a row is refused.
    public static let requiredColumns = ["Gaussian_ID", "Source_ID", "RA", "Dec"]

    /// Reads the columns from a database row (keys are the catalogue's column names).
    /// Throws for a missing required column or a text where a number belongs.
    public init(row: [String: CatalogueCell]) throws(CatalogueError) {
        let id = row["Gaussian_ID"]?.text ?? "?"
        func text(_ key: String, required: Bool = false) throws(CatalogueError) -> String {
            guard let cell = row[key], let value = cell.text else {
                if required { throw .missingColumn(component: id, column: key) }
                return ""
            }
            return value
        }
        func number(_ key: String, required: Bool = false) throws(CatalogueError) -> Double {
            switch row[key] {
            case .number(let d)?: return d
            case .text(let s)?:
                if let d = Double(s.trimmingCharacters(in: .whitespaces)) { return d }
                if s.trimmingCharacters(in: .whitespaces).isEmpty && !required { return .nan }
                throw .badValue(component: id, column: key, value: "'\(s)'")
            case .null?, nil:
                if required { throw .missingColumn(component: id, column: key) }
                return .nan
            }
        }
        gaussianID = try text("Gaussian_ID", required: true)
        sourceID = try text("Source_ID", required: true)
        tileID = try text("Tile_ID")
        sbid = try text("SBID")
        obsStartTime = try number("Obs_Start_Time")
        let n = try number("N_Gaus")
        gaussianCount = n.isFinite ? Int(n) : nil
        ra = try number("RA", required: true)
        dec = try number("Dec", required: true)
        raError = try number("E_RA")
        decError = try number("E_Dec")
        totalFlux = try number("Total_flux_Gaussian")
        totalFluxError = try number("E_Total_flux_Gaussian")
        peakFlux = try number("Peak_flux")
        peakFluxError = try number("E_Peak_flux")
        major = try number("Maj")
        majorError = try number("E_Maj")
        minor = try number("Min")
        minorError = try number("E_Min")
        positionAngle = try number("PA")
        positionAngleError = try number("E_PA")
        deconvolvedMajor = try number("DC_Maj")
        deconvolvedMajorError = try number("E_DC_Maj")
        deconvolvedMinor = try number("DC_Min")
        deconvolvedMinorError = try number("E_DC_Min")
        deconvolvedPositionAngle = try number("DC_PA")
        deconvolvedPositionAngleError = try number("E_DC_PA")
        sCode = try text("S_Code")
        separationTileCentre = try number("Separation_Tile_Centre")
        noise = try number("Noise")
    }
}
