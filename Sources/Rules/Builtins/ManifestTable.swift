import Language
/// Rows of a manifest read by column name, for the rules that consume other rules' manifests.
struct ManifestTable {
    let path: String
    let file: ManifestFile

    init(_ path: String) throws {
        self.path = path
        file = try ManifestFile.read(path)
    }

    /// Each row as a dictionary; an error naming the manifest when a column is missing.
    func rows(requiring columns: [String]) throws -> [[String: String]] {
        for c in columns where !file.header.contains(c) {
            throw BuiltinRuleError.failed("\(path): no column '\(c)' (columns: \(file.header.joined(separator: ", ")))")
        }
        return file.rows.map { Dictionary(uniqueKeysWithValues: zip(file.header, $0)) }
    }
}
