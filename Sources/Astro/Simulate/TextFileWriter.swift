#if canImport(Glibc)
import Glibc
#endif

/// Appends text to a file through a large buffer, so that millions of rows stream to
/// disk without ever being held in memory together.
final class TextFileWriter {
    let path: String
    private let file: UnsafeMutablePointer<FILE>

    init(path: String) throws {
        guard let f = fopen(path, "w") else {
            throw SimulationError.io("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        file = f
        setvbuf(f, nil, _IOFBF, 1 << 20)
        self.path = path
    }

    func write(_ text: String) throws {
        var text = text
        let ok = text.withUTF8 { fwrite($0.baseAddress, 1, $0.count, file) == $0.count }
        if !ok { throw SimulationError.io("cannot write \(path): \(String(cString: strerror(errno)))") }
    }

    /// Flushes and closes; an error here (a full disk) is reported, not ignored.
    func close() throws {
        let failed = fflush(file) != 0 || ferror(file) != 0
        fclose(file)
        if failed { throw SimulationError.io("cannot write \(path): \(String(cString: strerror(errno)))") }
    }

    deinit {}
}
