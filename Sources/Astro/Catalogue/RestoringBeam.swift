/// The restoring beam of a cube (FITS BMAJ, BMIN, BPA), degrees.
public struct RestoringBeam: Sendable, Equatable {
    public var major: Double
    public var minor: Double
    public var positionAngle: Double

    public init(major: Double, minor: Double, positionAngle: Double) {
        self.major = major
        self.minor = minor
        self.positionAngle = positionAngle
    }

    /// BMAJ, BMIN, BPA from a cube (or cutout, or mosaic) header.
    public init(header: FITSHeader) throws(CatalogueError) {
        guard let major = header.double("BMAJ") else { throw .missingBeam(keyword: "BMAJ") }
        guard let minor = header.double("BMIN") else { throw .missingBeam(keyword: "BMIN") }
        guard let pa = header.double("BPA") else { throw .missingBeam(keyword: "BPA") }
        self.init(major: major, minor: minor, positionAngle: pa)
    }
}
