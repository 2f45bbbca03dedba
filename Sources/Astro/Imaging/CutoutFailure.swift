/// Why one island got no cutout from one cube. The cube itself was fine: other
/// islands of the same cube may have been cut.
public enum CutoutFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request lists no components, so there is no box.
    case noComponents
    /// A box corner is outside the cube's projection (e.g. more than 90 deg away for SIN).
    case notProjectable(ra: Double, dec: Double)
    /// The box lies entirely outside the image; `box` is the unclipped box.
    case offImage(box: CutoutBox, width: Int, height: Int)
    /// Writing the cutout or copying the weights failed; nothing was left behind.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .noComponents:
            return "the island has no components"
        case let .notProjectable(ra, dec):
            return "(\(ra), \(dec)) is outside the cube's projection"
        case let .offImage(box, width, height):
            return "the cutout box (\(box)) does not overlap the \(width) x \(height) image"
        case let .writeFailed(path, reason):
            return "cannot write \(path): \(reason)"
        }
    }
}

/// What happened to one island of a `CubeCutter.cut` call.
public enum CutoutOutcome: Sendable, Equatable {
    /// The cutout (and weights copy) were written.
    case written(CutoutProduct)
    /// No cutout for this island, and why.
    case failed(sourceID: String, reason: CutoutFailure)

    public var sourceID: String {
        switch self {
        case .written(let product): return product.sourceID
        case .failed(let sourceID, _): return sourceID
        }
    }

    /// The product when written, nil when failed.
    public var product: CutoutProduct? {
        if case .written(let product) = self { return product }
        return nil
    }
}

/// The files a cutout wrote and the box it took from the cube.
public struct CutoutProduct: Sendable, Equatable {
    public var sourceID: String
    /// `<outputDirectory>/<Source_ID>/<Source_ID>.cutout.<cube basename>`.
    public var image: String
    /// The copied weights file, when the call named one.
    public var weights: String?
    /// The pixels taken from the cube (clipped to the image).
    public var box: CutoutBox
    /// The image's content digest, when the cutter was given a digest and wrote the image
    /// itself (nil: read the file to know it).
    public var imageDigest: String?
    /// The weights copy's content digest, likewise.
    public var weightsDigest: String?

    init(sourceID: String, image: String, weights: String?, box: CutoutBox) {
        self.sourceID = sourceID
        self.image = image
        self.weights = weights
        self.box = box
    }
}
