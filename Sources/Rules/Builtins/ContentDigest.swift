import Language
import Graph

/// The XXH3-128 digest of files' contents, for manifest `digest` columns: a manifest then
/// changes exactly when what it lists changes, so the products that read it rebuild when a
/// listed file's contents change (a new `pad`, say) and only then.
enum ContentDigest {
    static func of(_ paths: [String]) throws -> String {
        var text = ""
        for p in paths where !p.isEmpty {
            do { text += try FileHasher.hash(p).0.description } catch {
                throw BuiltinRuleError.failed("cannot hash \(p): \(error)")
            }
        }
        return paths.count == 1 ? text : Digest(text).description
    }

    /// The same digest from the files' own digests (as they were written; "" for a path
    /// that is empty), without reading the files.
    static func of(digests: [String]) -> String {
        let text = digests.joined()
        return digests.count == 1 ? text : Digest(text).description
    }
}
