import Foundation

/// Writes a text file whole or not at all: a temporary file beside it, renamed into place.
public enum AtomicTextFile {
    public static func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw AtomicWriteError(path: path, reason: error.localizedDescription)
        }
    }
}

public struct AtomicWriteError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot write \(path): \(reason)" }
}
