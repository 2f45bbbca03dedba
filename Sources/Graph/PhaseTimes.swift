/// Wall-clock seconds spent per phase of a build (`--timings`), summed by name.
public struct PhaseTimes: Sendable {
    public private(set) var entries: [(name: String, seconds: Double)] = []

    public init() {}

    /// Runs `body` and adds its duration to `name`.
    public mutating func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        defer { add(name, seconds: Self.seconds(ContinuousClock.now - start)) }
        return try body()
    }

    public mutating func add(_ name: String, seconds: Double) {
        if let i = entries.firstIndex(where: { $0.name == name }) {
            entries[i].seconds += seconds
        } else {
            entries.append((name, seconds))
        }
    }

    public static func seconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}
