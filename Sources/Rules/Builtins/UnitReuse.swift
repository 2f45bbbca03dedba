import Language
import Foundation
import Graph

/// Fine-grained reuse inside a per-field rule. A field's product rebuilds as a whole when
/// any of its inputs changes (one island moved in the catalogue, say), but its units
/// (island cutouts, mosaics, spectra) whose own inputs are unchanged need not be made again.
///
/// Each manifest row records the digest of the unit's inputs (`inputs` column) and of the
/// files it made (`digest`). On the next run the previous manifest, still under its final
/// name, is read; a unit whose inputs digest is the same and whose files still hash to the
/// recorded digest is reused as is: its files keep their bytes and timestamps.
struct UnitReuse {
    private var rows: [String: [String: String]] = [:]
    private let fileColumns: [String]
    /// Units reused and made, for the log.
    private(set) var reused = 0

    /// `manifest` is the final path of this product's manifest; `keyColumns` name a unit,
    /// `fileColumns` the files its `digest` covers.
    init(manifest: String, keyColumns: [String], fileColumns: [String]) {
        self.fileColumns = fileColumns
        guard FileManager.default.fileExists(atPath: manifest),
              let table = try? ManifestTable(manifest),
              let all = try? table.rows(requiring: keyColumns + fileColumns + ["digest", "inputs"]) else { return }
        for r in all { rows[Self.key(keyColumns.map { r[$0]! })] = r }
    }

    static func key(_ parts: [String]) -> String { parts.joined(separator: "\t") }

    /// The previous row of `unit` when its inputs are unchanged and its files intact.
    mutating func previous(_ unit: [String], inputs: String) -> [String: String]? {
        guard let r = rows[Self.key(unit)], r["inputs"] == inputs else { return nil }
        let paths = fileColumns.map { r[$0] ?? "" }
        guard paths.allSatisfy({ $0.isEmpty || FileManager.default.fileExists(atPath: $0) }),
              (try? ContentDigest.of(paths)) == r["digest"] else { return nil }
        reused += 1
        return r
    }

    /// The digest of a unit's inputs: the given texts, in order.
    static func inputs(_ parts: [String]) -> String { Digest(parts.joined(separator: "\u{1}")).description }

    /// A file's identity without reading it: path, size, modification and change times.
    static func signature(_ path: String) -> String {
        guard let s = FileSignature.of(path) else { return path + ":missing" }
        return "\(path):\(s.size):\(s.mtimeNs):\(s.ctimeNs)"
    }
}
