import ArgumentParser

/// Range checks for numeric options, run by the argument parser (`validate()`) before a
/// command does anything: the message names the option and what it accepts.
enum OptionRange {
    static func check(_ value: Int, _ range: ClosedRange<Int>, _ option: String) throws {
        guard range.contains(value) else {
            let upper = range.upperBound == Int.max ? "" : " to \(range.upperBound)"
            let what = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "from \(range.lowerBound)\(upper)"
            throw ValidationError("\(option) must be \(what), not \(value)")
        }
    }

    static func check(_ value: Double, above lower: Double? = nil, atLeast: Double? = nil, atMost upper: Double? = nil,
                      nonZero: Bool = false, _ option: String) throws {
        var ok = value.isFinite
        var rules: [String] = ["a finite number"]
        if let lower { ok = ok && value > lower; rules.append("> \(lower.formatted())") }
        if let atLeast { ok = ok && value >= atLeast; rules.append(">= \(atLeast.formatted())") }
        if let upper { ok = ok && value <= upper; rules.append("<= \(upper.formatted())") }
        if nonZero { ok = ok && value != 0; rules.append("not 0") }
        guard ok else { throw ValidationError("\(option) must be \(rules.joined(separator: ", ")), not \(value)") }
    }
}

extension Double {
    fileprivate func formatted() -> String { self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self) }
}
