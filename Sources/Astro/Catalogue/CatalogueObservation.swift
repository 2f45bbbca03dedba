/// The observation whose polarisation data gave a row: the field (the key under
/// `beams.<FIELD>` in the pipeline database), the pipeline epoch, and what the RACS
/// database's `field_data` says about it. One catalogue row per (component, field, epoch).
public struct CatalogueObservation: Sendable, Equatable, Hashable {
    /// Field key, e.g. `RACS_1237+12A`.
    public var field: String
    /// Pipeline epoch (the N of `arrakis_epoch_<N>`).
    public var epoch: Int
    /// `SBID` of the observation used (field_data), when known.
    public var sbid: Int?
    /// `SCAN_START` (MJD seconds), when known.
    public var scanStart: Double?
    /// `SCAN_TINT`: integration time (s), when known.
    public var integrationTime: Double?
    /// The fields whose beams made the row's mosaic: `[field]` for a field, the fields that
    /// see the island for a merged region (whose observation values are then those of the
    /// one among them whose tile centre is nearest).
    public var fields: [String]

    public init(field: String, epoch: Int, sbid: Int? = nil, scanStart: Double? = nil,
                integrationTime: Double? = nil, fields: [String]? = nil) {
        self.fields = fields ?? [field]
        self.field = field
        self.epoch = epoch
        self.sbid = sbid
        self.scanStart = scanStart
        self.integrationTime = integrationTime
    }
}
