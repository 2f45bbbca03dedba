/// The values of one binary-table column. Nulls: NaN for reals, nil for integers and
/// logicals (written with TNULL / the FITS logical null), empty string for strings.
public enum FITSColumnData: Sendable {
    case integer([Int?])
    case real([Double])
    case logical([Bool?])
    case string([String])

    public var count: Int {
        switch self {
        case .integer(let v): return v.count
        case .real(let v): return v.count
        case .logical(let v): return v.count
        case .string(let v): return v.count
        }
    }
}

/// How a column is stored on disk (its TFORM).
public enum FITSColumnFormat: Sendable, Equatable {
    case int16, int32, int64, float32, float64, logical
    /// Fixed-width ASCII; longer values are an error, not silently cut.
    case string(width: Int)

    var tform: String {
        switch self {
        case .int16: return "1I"
        case .int32: return "1J"
        case .int64: return "1K"
        case .float32: return "1E"
        case .float64: return "1D"
        case .logical: return "1L"
        case .string(let width): return "\(max(width, 1))A"
        }
    }
}

/// One named, typed column with its unit.
public struct FITSColumn: Sendable {
    public var name: String
    public var format: FITSColumnFormat
    public var unit: String
    public var data: FITSColumnData

    public init(_ name: String, _ data: FITSColumnData, format: FITSColumnFormat? = nil, unit: String = "") {
        self.name = name
        self.data = data
        self.unit = unit
        self.format = format ?? FITSColumn.defaultFormat(for: data)
    }

    static func defaultFormat(for data: FITSColumnData) -> FITSColumnFormat {
        switch data {
        case .integer: return .int64
        case .real: return .float64
        case .logical: return .logical
        case .string(let values): return .string(width: values.map(\.utf8.count).max() ?? 1)
        }
    }

    public var reals: [Double]? { if case .real(let v) = data { return v }; return nil }
    public var integers: [Int?]? { if case .integer(let v) = data { return v }; return nil }
    public var strings: [String]? { if case .string(let v) = data { return v }; return nil }
    public var logicals: [Bool?]? { if case .logical(let v) = data { return v }; return nil }
}

/// A binary table: columns of equal length, an EXTNAME, and extra header cards.
public struct FITSTable: Sendable {
    public var name: String
    public var columns: [FITSColumn]
    /// Cards besides the column layout (which the writer owns).
    public var header: FITSHeader

    public init(name: String, columns: [FITSColumn], header: FITSHeader = FITSHeader()) {
        self.name = name
        self.columns = columns
        self.header = header
    }

    public var rowCount: Int { columns.first?.data.count ?? 0 }

    /// The column with this name (case-insensitive, as FITS compares TTYPE).
    public func column(_ name: String) -> FITSColumn? {
        let key = name.uppercased()
        return columns.first { $0.name.uppercased() == key }
    }
}
