/// The values of one catalogue column. Reals use NaN for unknown; integers nil.
public enum CatalogueValues: Sendable, Equatable {
    case real([Double])
    case integer([Int?])
    case logical([Bool])
    case text([String])

    public var count: Int {
        switch self {
        case .real(let v): return v.count
        case .integer(let v): return v.count
        case .logical(let v): return v.count
        case .text(let v): return v.count
        }
    }
}

/// A unit as written in each format: VOTable 1.3 uses the CDS unit syntax, FITS its own
/// (both parse with astropy without warnings).
public struct CatalogueUnit: Sendable, Equatable, Hashable {
    public var voTable: String
    public var fits: String

    public init(voTable: String, fits: String) {
        self.voTable = voTable
        self.fits = fits
    }

    public static let none = CatalogueUnit(voTable: "", fits: "")
    public static let degree = CatalogueUnit(voTable: "deg", fits: "deg")
    public static let arcsec = CatalogueUnit(voTable: "arcsec", fits: "arcsec")
    public static let jansky = CatalogueUnit(voTable: "Jy", fits: "Jy")
    public static let janskyPerBeam = CatalogueUnit(voTable: "Jy/beam", fits: "Jy/beam")
    public static let radianPerSquareMetre = CatalogueUnit(voTable: "rad.m-2", fits: "rad/m2")
    public static let squareMetre = CatalogueUnit(voTable: "m2", fits: "m2")
    public static let hertz = CatalogueUnit(voTable: "Hz", fits: "Hz")
    public static let second = CatalogueUnit(voTable: "s", fits: "s")
    public static let day = CatalogueUnit(voTable: "d", fits: "d")
}

/// One column: name, values, unit, UCD and description (RMTable v1.3's for its columns).
public struct CatalogueColumn: Sendable, Equatable {
    public var name: String
    public var values: CatalogueValues
    public var unit: CatalogueUnit
    /// Unified Content Descriptor (IVOA UCD1+).
    public var ucd: String
    public var description: String

    public init(_ name: String, _ values: CatalogueValues, unit: CatalogueUnit = .none, ucd: String,
                description: String) {
        self.name = name
        self.values = values
        self.unit = unit
        self.ucd = ucd
        self.description = description
    }

    public var reals: [Double]? { if case .real(let v) = values { return v }; return nil }
    public var integers: [Int?]? { if case .integer(let v) = values { return v }; return nil }
    public var logicals: [Bool]? { if case .logical(let v) = values { return v }; return nil }
    public var texts: [String]? { if case .text(let v) = values { return v }; return nil }
}
