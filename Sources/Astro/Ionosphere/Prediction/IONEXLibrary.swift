import Synchronization

/// The IONEX maps of each day, read once from an `IONEXDirectory` (which may download a
/// missing day) and kept; remembers which files it read, for the build's list of inputs.
/// Safe to share between threads.
public final class IONEXLibrary: Sendable {
    public let directory: IONEXDirectory
    private let state = Mutex<State>(State())

    private struct State {
        var maps: [UTCDay: IONEXMaps] = [:]
        var paths: [String] = []
    }

    public init(directory: IONEXDirectory) {
        self.directory = directory
    }

    /// The maps covering `day`; an `IONEXError` naming the day, file or URL when there are none.
    public func maps(for day: UTCDay) throws -> IONEXMaps {
        if let m = state.withLock({ $0.maps[day] }) { return m }
        let path = try directory.path(for: day)
        let maps = try IONEXMaps.read(path: path)
        state.withLock { s in
            if s.maps[day] == nil {
                s.maps[day] = maps
                s.paths.append(path)
            }
        }
        return maps
    }

    /// The files read so far, in the order first read.
    public var filesRead: [String] { state.withLock { $0.paths } }
}
