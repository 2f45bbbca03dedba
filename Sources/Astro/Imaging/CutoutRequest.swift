/// One catalogue component of an island, as the cutout box needs it.
public struct CutoutComponent: Sendable, Equatable {
    /// Position (deg).
    public var ra: Double
    public var dec: Double
    /// The catalogue's `Maj` column: fitted FWHM major axis, arcsec.
    public var majorAxisArcsec: Double

    public init(ra: Double, dec: Double, majorAxisArcsec: Double) {
        self.ra = ra
        self.dec = dec
        self.majorAxisArcsec = majorAxisArcsec
    }
}

/// One island to cut out of a cube: its `Source_ID` (names the output directory and
/// files) and its components (define the box).
public struct CutoutRequest: Sendable, Equatable {
    public var sourceID: String
    public var components: [CutoutComponent]

    public init(sourceID: String, components: [CutoutComponent]) {
        self.sourceID = sourceID
        self.components = components
    }
}
