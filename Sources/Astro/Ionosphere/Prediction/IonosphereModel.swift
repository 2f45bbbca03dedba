/// How the ionosphere's Faraday rotation is predicted: FRion's model (RMextract underneath),
/// with its defaults. A thin shell at `shellHeight` above the WGS84 ellipsoid holds all the
/// electrons; the line of sight from `site` crosses it at the pierce point, where the IONEX
/// maps give the vertical TEC and the World Magnetic Model the field.
public struct IonosphereModel: Sendable, Equatable {
    /// The telescope (ASKAP by default: 26d42m15s S, 116d39m32s E, 381 m).
    public var site: GeodeticPosition = .askap
    /// The thin shell's height above the ellipsoid, metres (RMextract: 450 km).
    public var shellHeight: Double = 450_000
    /// Seconds between samples of RM_ion(t) (the original pipeline asks FRion for 300 s).
    public var timestep: Double = 300
    /// How TEC is interpolated between maps: `.linear` as RMextract does (the default, so
    /// that results agree with the original pipeline's), or IONEX 1.1's `.rotated`.
    public var interpolation: IONEXMaps.TimeInterpolation = .linear
    /// How the line of sight is found (see `ElevationModel`).
    public var elevationModel: ElevationModel = .rigorous

    public init() {}

    /// The source's direction at the site: `.rigorous` (apparent place, geodetic latitude:
    /// what RMextract computes when python-casacore is installed, as in the original
    /// pipeline's environment), or `.pyephem`, which reproduces RMextract without casacore:
    /// azimuth and elevation from PyEphem for an observer at the site's *geocentric* latitude,
    /// turned back into a direction with the geodetic one (about 0.15 deg off at ASKAP, up to
    /// 0.5% in RM at low elevation). For comparisons with such a FRion run only.
    public enum ElevationModel: String, Sendable, CaseIterable {
        case rigorous, pyephem
    }

    /// rad m^-2 per (nT x TECU): e^3 / (8 pi^2 epsilon_0 m_e^2 c^3) = 2.631e-13 SI, times
    /// 1e-9 T/nT and 1e16 m^-2/TECU. RMextract rounds it to 2.62e-6 (0.4% lower); we keep
    /// its value so that the pipeline's numbers agree with the original's (see docs).
    public static let rmPerNanoteslaTECU = 2.62e-6
}
