/// A product's resource setting, `cpus`, `mem` or `time`, with the one syntax of its value
/// and the one message for a value it refuses (the checker's and lowering's).
public enum ResourceSetting: String, CaseIterable, Sendable {
    case cpus, mem, time

    /// A setting's value as written or computed: an integer, a string, or anything else.
    public enum Literal: Sendable, Equatable {
        case integer(Int)
        case string(String)
        case other
    }

    /// The amount `value` stands for: a count of CPUs, megabytes, or seconds; nil if the
    /// setting refuses it. An integer is the amount itself and must be positive.
    public func amount(_ value: Literal) -> Int? {
        switch (self, value) {
        case (_, .integer(let n)): return n > 0 ? n : nil
        case (.mem, .string(let text)): return ResourceSyntax.megabytes(text)
        case (.time, .string(let text)): return ResourceSyntax.seconds(text)
        default: return nil
        }
    }

    /// The error for a refused value, `found` describing it as the checker does (`"4X"`, `-2`).
    public func refusal(found: String) -> String {
        switch self {
        case .cpus:
            return "'cpus' must be a positive integer (as in cpus 4), found \(found)"
        case .mem:
            return "'mem' must be megabytes as a positive integer or a size like \"512M\", \"4G\" or \"2000MB\", found \(found)"
        case .time:
            return "'time' must be \"HH:MM:SS\", \"MM:SS\", a duration like \"30s\", \"10m\", \"2h\" or \"1d\", SLURM's \"D-HH:MM:SS\", \"D-HH:MM\" or \"D-HH\", or a positive number of seconds, found \(found)"
        }
    }
}
