/// What the field-relative flags found for one (field, epoch) group of rows: the leakage
/// envelope (for the validation plot) and whether `local_rm_flag` could be evaluated.
public struct CatalogueDiagnostics: Sendable, Equatable {
    public var observation: CatalogueObservation
    /// Rows in the group, and how many of them are RM synthesis failures.
    public var rows: Int
    public var failures: Int
    /// The fitted envelope, or why there is none.
    public var leakage: LeakageEnvelope
    /// Neighbours each RM was compared with; nil when `local_rm_flag` was not evaluated
    /// (then `localRMNote` says why).
    public var localRMNeighbours: Int?
    public var localRMNote: String
    /// `channel_flag` threshold: rows with Nchan below this are flagged.
    public var channelThreshold: Int
}

/// The leakage envelope of one field: a polynomial in separation from the tile centre
/// (degrees) fitted to the binned median fractional polarisation of bright sources plus an
/// offset. Sources with fracpol below it are flagged (`leakage_flag`).
public struct LeakageEnvelope: Sendable, Equatable {
    /// Polynomial coefficients, lowest power first, in the scaled variable
    /// t = (separation - shift) / scale (empty when not fitted).
    public var coefficients: [Double]
    public var shift: Double
    public var scale: Double
    /// Bin centres (deg) and medians (before the offset) that were fitted.
    public var binCentres: [Double]
    public var binMedians: [Double]
    /// Sources that took part (Stokes I S/N above the threshold).
    public var sources: Int
    /// Why there is no envelope (too few bright sources, too few non-empty bins); nil when fitted.
    public var notFitted: String?

    /// Envelope value at `separation` (deg); NaN when not fitted.
    public func value(at separation: Double) -> Double {
        guard notFitted == nil, !coefficients.isEmpty else { return .nan }
        let t = (separation - shift) / scale
        return coefficients.reversed().reduce(0.0) { $0 * t + $1 }
    }
}
