import Language
import Foundation
import Graph

extension Project {
    /// What every family's instances may depend on besides directory listings: the bytes of
    /// every Arrakisfile read, the environment variables they could name (those whose name
    /// occurs anywhere in them: `env("NAME")` cannot name another), the top-level values and
    /// this program (its size and times). Nil when a file cannot be read again.
    static func definitionDigest(files: [String], environment: [String: String], values: [String: Value]) -> Digest? {
        var text: [UInt8] = Array("arrakis-definition-1\n".utf8)
        var sources = ""
        for file in files {
            guard let bytes = FileManager.default.contents(atPath: file) else { return nil }
            text += Array("file \(file) \(bytes.count)\n".utf8)
            text += bytes
            sources += String(decoding: bytes, as: UTF8.self)
        }
        for (k, v) in environment.sorted(by: { $0.key < $1.key }) where !k.isEmpty && sources.contains(k) {
            text += Array("env \(k)=\(v)\u{0}".utf8)
        }
        for (k, v) in values.sorted(by: { $0.key < $1.key }) { text += Array("let \(k)=\(v.canonical)\u{0}".utf8) }
        var st = stat()
        guard stat("/proc/self/exe", &st) == 0 else { return nil }
        let program = FileSignature(st)
        text += Array("program \(program.inode) \(program.size) \(program.mtimeNs) \(program.ctimeNs)\n".utf8)
        return Digest(text)
    }
}
