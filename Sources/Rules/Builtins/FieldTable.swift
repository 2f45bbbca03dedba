import Foundation

/// What the per-field stages need to know about one field of one epoch: the observation
/// (SBID and beam pointings) and the islands its beams see, with their components. The
/// `sources` rule writes one per field as `<directory>/<FIELD>.json`; the cutouts, mosaics
/// and spectra products read it as a file input, so a change to one field's islands
/// rebuilds that field only.
public struct FieldTable: Codable, Equatable, Sendable {
    public struct Beam: Codable, Equatable, Sendable {
        public var beam: Int
        public var ra: Double
        public var dec: Double
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

        enum CodingKeys: String, CodingKey { case sourceID = "Source_ID", beams, components }
    }

    public var epoch: Int
    /// The field key (`RACS_1237+12A`).
    public var field: String
    /// The field's name in the RACS database (epoch 0: `RACS_test4_1.05_1237+12A`).
    public var databaseName: String
    public var sbid: Int
    public var beams: [Beam]
    public var islands: [Island]

    public func beam(_ n: Int) -> Beam? { beams.first { $0.beam == n } }

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
        out += ",\"databaseName\":" + (try text(databaseName))
        out += ",\"epoch\":\(epoch),\"field\":" + (try text(field))
        out += ",\"islands\":[\n"
        out += try islands.map(text).joined(separator: ",\n")
        out += "\n],\"sbid\":\(sbid)}\n"
        return out
    }
}
