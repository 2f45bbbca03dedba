/// "Did you mean ...?" suggestions for misspelt names, by edit distance.
package enum DidYouMean {
    /// The candidate closest to `name` within `maxDistance` edits (ties: the earliest
    /// candidate), or nil. A candidate differing only in case always wins.
    package static func suggestion<S: Sequence>(for name: String, among candidates: S, maxDistance: Int = 2) -> String?
    where S.Element == String {
        let target = Array(name.lowercased().unicodeScalars)
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != name {
            let c = Array(candidate.lowercased().unicodeScalars)
            // Cheap reject: lengths alone exceed the budget.
            if abs(c.count - target.count) > maxDistance { continue }
            let d = distance(target, c, limit: maxDistance)
            // A suggestion must keep something of the name: 'x' is not a typo of 'y'.
            guard d <= maxDistance, d < max(target.count, c.count) else { continue }
            if best == nil || d < best!.distance { best = (candidate, d) }
        }
        return best?.name
    }

    /// `" (did you mean 'x'?)"` or the empty string.
    static func hint<S: Sequence>(for name: String, among candidates: S) -> String where S.Element == String {
        suggestion(for: name, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), so
    /// `inptu` is one edit from `input`. Returns `limit + 1` early once it is exceeded.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int = .max) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMin = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
                rowMin = min(rowMin, value)
            }
            if rowMin > limit { return limit + 1 }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }

    /// `a, b, c` (or `none` for an empty list), for "expected one of" lists.
    static func list<S: Sequence>(_ names: S) -> String where S.Element == String {
        let all = Array(names)
        return all.isEmpty ? "none" : all.joined(separator: ", ")
    }
}
