/// One observation of a field (a row of `field_data`).
public struct FieldObservation: Sendable, Equatable {
    /// FIELD_NAME as the RACS database spells it (epoch 0: `RACS_test4_1.05_1237+12A`).
    public var fieldName: String
    public var sbid: Int
    /// SELECT = 1: the observation chosen for the field.
    public var selected: Bool
    /// SCAN_START, MJD in seconds.
    public var scanStart: Double
    /// SCAN_TINT, seconds.
    public var scanLength: Double
    public var ra: Double
    public var dec: Double
    /// The whole row, every column, for the pipeline database's `fields` collection.
    public var row: Document

    public init(fieldName: String, sbid: Int, selected: Bool, scanStart: Double, scanLength: Double,
                ra: Double, dec: Double, row: Document) {
        self.fieldName = fieldName
        self.sbid = sbid
        self.selected = selected
        self.scanStart = scanStart
        self.scanLength = scanLength
        self.ra = ra
        self.dec = dec
        self.row = row
    }
}

/// One beam of one observation (a row of `beam_inf_<SBID>-<FIELD_NAME>`).
public struct BeamCentre: Sendable, Equatable {
    public var beam: Int
    public var ra: Double
    public var dec: Double
    /// The whole row, for the `beam_inf` collection.
    public var row: Document

    public init(beam: Int, ra: Double, dec: Double, row: Document) {
        self.beam = beam
        self.ra = ra
        self.dec = dec
        self.row = row
    }
}

/// The RACS observation database: a directory of CSVs (`db/epoch_<N>/...`) or a
/// PostgreSQL server (database `epoch_<N>`, tables `field_data` and `beam_inf_<SBID>-<FIELD>`).
public protocol RACSDatabase: AnyObject {
    /// A description safe to print (no password).
    var displayName: String { get }

    /// Every row of the epoch's field_data, SBID < 0 included (callers drop those).
    func fieldData(epoch: Int) throws -> [FieldObservation]

    /// The beams of one observation; an error naming the table/file when it is missing.
    func beams(epoch: Int, sbid: Int, fieldName: String) throws -> [BeamCentre]
}

/// Required columns, so every reader reports a missing one the same way.
public enum RACSColumns {
    public static let fieldData = ["FIELD_NAME", "SBID", "SELECT", "SCAN_START", "SCAN_TINT", "RA_DEG", "DEC_DEG"]
    public static let beamInf = ["BEAM_NUM", "RA_DEG", "DEC_DEG"]

    /// The table (or file stem) holding one observation's beams.
    public static func beamTable(sbid: Int, fieldName: String) -> String {
        "beam_inf_\(sbid)-\(fieldName)"
    }
}
