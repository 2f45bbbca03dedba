import Foundation

/// A fresh directory under /tmp, removed when the value is deinitialised.
final class TemporaryDirectory {
    let path: String

    init(_ label: String = "astro") {
        var template = Array("/tmp/arrakis-\(label)-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    /// Names of the entries in the directory.
    func listing() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }
}
