/// The per-channel weights of a beam cube: the text file ASKAPsoft writes beside it,
/// `# Channel Weight` then one `chan weight` row per channel, weight = 1/sigma^2.
public struct ChannelWeights: Sendable, Equatable {
    /// Weight per 0-based channel; NaN for channels the file does not list.
    public var weights: [Double]

    public init(weights: [Double]) {
        self.weights = weights
    }

    /// Reads a weights file. Rows may come in any order; `#` starts a comment.
    /// Throws `ImagingError.badWeights` naming the file and line for anything else.
    public static func read(_ path: String) throws(ImagingError) -> ChannelWeights {
        throw .badWeights(path: path, line: nil, reason: "not implemented yet")
    }
}
