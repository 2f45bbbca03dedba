/// A position on the sky: right ascension and declination in degrees.
public struct SkyPosition: Sendable, Equatable, Hashable {
    public var ra: Double
    public var dec: Double

    public init(ra: Double, dec: Double) {
        self.ra = ra
        self.dec = dec
    }
}
