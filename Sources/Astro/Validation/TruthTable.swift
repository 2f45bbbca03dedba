import Foundation

/// What a simulated survey injected, per component (`truth.csv` of `arrakis simulate`):
/// the columns validation compares with, by Gaussian ID.
public struct TruthTable: Sendable {
    public struct Row: Sendable, Equatable {
        public var rm: Double
        public var fracPol: Double
        public var ra: Double
        public var dec: Double
    }

    public let path: String
    public let rows: [String: Row]

    public init(path: String, rows: [String: Row]) {
        self.path = path
        self.rows = rows
    }

    /// Reads `path`: '#' comment lines, a header naming at least gaussian_id, rm, frac_pol,
    /// ra, dec, then comma-separated rows.
    public static func read(_ path: String) throws -> TruthTable {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ValidationError.unreadable(file: path, reason: error.localizedDescription)
        }
        var header: [String]?
        var index: [String: Int] = [:]
        var rows: [String: Row] = [:]
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard header != nil else {
                header = cells
                for (k, name) in cells.enumerated() { index[name] = k }
                for c in ["gaussian_id", "rm", "frac_pol", "ra", "dec"] where index[c] == nil {
                    throw ValidationError.missingColumn(file: path, column: c, kind: "truth")
                }
                continue
            }
            func number(_ c: String) throws -> Double {
                let k = index[c]!
                guard k < cells.count, let v = Double(cells[k]) else {
                    throw ValidationError.badValue(file: path, line: n + 1, column: c, value: k < cells.count ? cells[k] : "")
                }
                return v
            }
            let id = cells[index["gaussian_id"]!]
            rows[id] = Row(rm: try number("rm"), fracPol: try number("frac_pol"), ra: try number("ra"), dec: try number("dec"))
        }
        guard header != nil else { throw ValidationError.unreadable(file: path, reason: "no header line") }
        return TruthTable(path: path, rows: rows)
    }
}
