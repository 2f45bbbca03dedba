/// The RACS database as a directory of CSVs: `<root>/db/epoch_<N>/field_data.csv` and
/// `<root>/db/epoch_<N>/beam_inf_<SBID>-<FIELD_NAME>.csv`.
public final class CSVRACSDatabase: RACSDatabase {
    public let root: String

    public var displayName: String { root }

    public init(root: String) {
        self.root = root
    }

    func directory(_ epoch: Int) -> String { "\(root)/db/epoch_\(epoch)" }

    public func fieldData(epoch: Int) throws -> [FieldObservation] {
        let table = try CSVTable(path: "\(directory(epoch))/field_data.csv")
        let c = try RACSColumns.fieldData.map(table.column)
        return try table.rows.indices.map { r in
            let row = table.rows[r]
            func number(_ k: Int) throws -> Double {
                guard let v = row[c[k]].double else {
                    throw StoreError.input("\(table.path):\(table.lines[r]): \(RACSColumns.fieldData[k]) is not a number: \(row[c[k]])")
                }
                return v
            }
            guard let name = row[c[0]].string ?? row[c[0]].int.map(String.init) else {
                throw StoreError.input("\(table.path):\(table.lines[r]): FIELD_NAME is empty")
            }
            return FieldObservation(fieldName: name, sbid: Int(try number(1)), selected: try number(2) == 1,
                                    scanStart: try number(3), scanLength: try number(4),
                                    ra: try number(5), dec: try number(6), row: table.document(r))
        }
    }

    public func beams(epoch: Int, sbid: Int, fieldName: String) throws -> [BeamCentre] {
        let path = "\(directory(epoch))/\(RACSColumns.beamTable(sbid: sbid, fieldName: fieldName)).csv"
        let table = try CSVTable(path: path)
        let c = try RACSColumns.beamInf.map(table.column)
        return try table.rows.indices.map { r in
            let row = table.rows[r]
            guard let beam = row[c[0]].int, let ra = row[c[1]].double, let dec = row[c[2]].double else {
                throw StoreError.input("\(path):\(table.lines[r]): BEAM_NUM, RA_DEG and DEC_DEG must be numbers")
            }
            return BeamCentre(beam: Int(beam), ra: ra, dec: dec, row: table.document(r))
        }
    }
}
