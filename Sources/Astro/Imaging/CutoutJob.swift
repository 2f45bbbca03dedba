/// One cube to cut and the islands to cut out of it (`CubeCutter.stage(_:outputDirectory:into:)`).
public struct CutoutJob: Sendable, Equatable {
    public var cube: String
    /// The weights file copied beside each cutout, if any.
    public var weights: String?
    public var requests: [CutoutRequest]

    public init(cube: String, weights: String?, requests: [CutoutRequest]) {
        self.cube = cube
        self.weights = weights
        self.requests = requests
    }
}
