import Language
import Foundation

/// What the per-field stages need to know about one field of one epoch: the observation
/// (SBID and beam pointings) and the islands its beams see, with their components. The
/// `sources` rule writes one per field as `<directory>/<FIELD>.json`; the cutouts, mosaics
/// and spectra products read it as a file input, so a change to one field's islands
/// rebuilds that field only.
///
/// A region's table (the `region` rule, the original's `merge_fields`) has the same shape:
/// `field` is the region's name, `members` the fields merged, each beam says its `field`,
/// and each island says which fields see it and the cutouts its mosaic is made from.
public struct FieldTable: Codable, Equatable, Sendable {
    public struct Beam: Codable, Equatable, Sendable {
        public var beam: Int
        public var ra: Double
        public var dec: Double
        /// The field this beam belongs to, in a region's table (nil: the table's field).
        public var field: String?

        public init(beam: Int, ra: Double, dec: Double, field: String? = nil) {
            self.beam = beam
            self.ra = ra
            self.dec = dec
            self.field = field
        }
    }

    /// A sky position (degrees): a tile's centre.
    public struct Position: Codable, Equatable, Sendable {
        public var ra: Double
        public var dec: Double

        public init(ra: Double, dec: Double) {
            self.ra = ra
            self.dec = dec
        }
    }

    /// One field merged into a region: the observation chosen for it and its tile centre.
    public struct Member: Codable, Equatable, Sendable {
        public var field: String
        public var databaseName: String
        public var sbid: Int
        public var centre: Position?

        public init(field: String, databaseName: String, sbid: Int, centre: Position?) {
            self.field = field
            self.databaseName = databaseName
            self.sbid = sbid
            self.centre = centre
        }
    }

    /// One beam cutout an island's region mosaic is made from (a row of that field's
    /// cutouts manifest).
    public struct Cutout: Codable, Equatable, Sendable {
        public var field: String
        public var beam: Int
        public var stokes: String
        public var image: String
        public var weights: String
        public var digest: String
    }

    public struct Component: Codable, Equatable, Sendable {
        public var gaussianID: String
        public var ra: Double
        public var dec: Double
        /// Fitted major axis, arcsec.
        public var maj: Double

        enum CodingKeys: String, CodingKey { case gaussianID = "Gaussian_ID", ra = "RA", dec = "Dec", maj = "Maj" }
    }

    public struct Island: Codable, Equatable, Sendable {
        public var sourceID: String
        /// Beams of this field whose centre is within the matching radius.
        public var beams: [Int]
        public var components: [Component]
        /// In a region's table: the fields that see this island (sorted), and its cutouts
        /// from all of them (nil in a field's table).
        public var fields: [String]?
        public var cutouts: [Cutout]?

        public init(sourceID: String, beams: [Int], components: [Component], fields: [String]? = nil, cutouts: [Cutout]? = nil) {
            self.sourceID = sourceID
            self.beams = beams
            self.components = components
            self.fields = fields
            self.cutouts = cutouts
        }

        enum CodingKeys: String, CodingKey { case sourceID = "Source_ID", beams, components, fields, cutouts }
    }

    public var epoch: Int
    /// The field key (`RACS_1237+12A`).
    public var field: String
    /// The field's name in the RACS database (epoch 0: `RACS_test4_1.05_1237+12A`).
    public var databaseName: String
    public var sbid: Int
    public var beams: [Beam]
    public var islands: [Island]
    /// The tile's centre (the field's RA_DEG, DEC_DEG in the RACS database); nil in a
    /// region's table, whose members have theirs.
    public var centre: Position?
    /// In a region's table: the fields merged (nil in a field's table).
    public var members: [Member]?

    public init(epoch: Int, field: String, databaseName: String, sbid: Int, beams: [Beam], islands: [Island],
                centre: Position? = nil, members: [Member]? = nil) {
        self.epoch = epoch
        self.field = field
        self.databaseName = databaseName
        self.sbid = sbid
        self.beams = beams
        self.islands = islands
        self.centre = centre
        self.members = members
    }

    /// A field's beam by number (in a region's table, the first field's beam of that number:
    /// use `beam(_:field:)` there).
    public func beam(_ n: Int) -> Beam? { beams.first { $0.beam == n } }

    /// The beam `n` of `field` (a field's table: its own beams).
    public func beam(_ n: Int, field: String) -> Beam? {
        beams.first { $0.beam == n && ($0.field ?? self.field) == field }
    }

    /// Whether this is a region's table.
    public var isRegion: Bool { members != nil }

    public static func read(_ path: String) throws -> FieldTable {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw BuiltinRuleError.failed("cannot read field table \(path): \(error.localizedDescription)")
        }
        do { return try JSONDecoder().decode(FieldTable.self, from: data) } catch {
            throw BuiltinRuleError.failed("field table \(path) is not valid: \(error)")
        }
    }

    /// The canonical text: sorted keys, one island per line (diffable, stable digests).
    public func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func text<T: Encodable>(_ v: T) throws -> String { String(decoding: try encoder.encode(v), as: UTF8.self) }
        var out = "{\"beams\":" + (try text(beams))
        if let centre { out += ",\"centre\":" + (try text(centre)) }
        out += ",\"databaseName\":" + (try text(databaseName))
        out += ",\"epoch\":\(epoch),\"field\":" + (try text(field))
        out += ",\"islands\":[\n"
        out += try islands.map(text).joined(separator: ",\n")
        out += "\n]"
        if let members { out += ",\"members\":" + (try text(members)) }
        out += ",\"sbid\":\(sbid)}\n"
        return out
    }
}
