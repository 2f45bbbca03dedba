#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock seconds spent per phase of a build (`--timings`), summed by name, with the
/// process's resident memory when the phase last ended (to see which phase holds what).
public struct PhaseTimes: Sendable {
    public struct Entry: Sendable {
        public var name: String
        public var seconds: Double
        /// Resident set size (MiB) when the phase last ended; nil where it cannot be read.
        public var residentMiB: Int?
        /// The peak resident set size so far (MiB) when the phase last ended.
        public var peakMiB: Int?
    }
    public private(set) var entries: [Entry] = []

    public init() {}

    /// Runs `body` and adds its duration to `name`.
    public mutating func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        defer {
            add(name, seconds: Self.seconds(ContinuousClock.now - start), residentMiB: ResidentMemory.currentMiB(),
                peakMiB: ResidentMemory.peakMiB())
        }
        return try body()
    }

    public mutating func add(_ name: String, seconds: Double, residentMiB: Int? = nil, peakMiB: Int? = nil) {
        if let i = entries.firstIndex(where: { $0.name == name }) {
            entries[i].seconds += seconds
            if let residentMiB { entries[i].residentMiB = residentMiB }
            if let peakMiB { entries[i].peakMiB = peakMiB }
        } else {
            entries.append(Entry(name: name, seconds: seconds, residentMiB: residentMiB, peakMiB: peakMiB))
        }
    }

    public static func seconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}

/// The process's memory as the kernel counts it (Linux `/proc/self`).
public enum ResidentMemory {
    /// Resident set size now, in MiB (anonymous and file-backed pages, as `ru_maxrss` counts).
    public static func currentMiB() -> Int? { field("VmRSS:") }
    /// The peak resident set size so far, in MiB.
    public static func peakMiB() -> Int? { field("VmHWM:") }

    private static func field(_ name: String) -> Int? {
        let fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        let text = String(decoding: buffer[0..<n], as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return nil }
        let kib = line.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) }
        return kib.map { $0 / 1024 }
    }
}
