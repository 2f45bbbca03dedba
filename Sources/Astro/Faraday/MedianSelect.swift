/// Medians of scratch buffers by quickselect (O(n), reorders the buffer). NaNs must be
/// removed first.
enum MedianSelect {
    /// The median of `buffer[0..<count]`; for an even count the mean of the two middle
    /// values (as numpy). Reorders the elements.
    static func median(_ buffer: UnsafeMutablePointer<Double>, count: Int) -> Double {
        precondition(count > 0)
        let upper = count / 2
        let high = select(buffer, count: count, k: upper)
        if count % 2 == 1 { return high }
        // After selection, everything below `upper` is <= high: the other middle value is
        // the largest of those.
        var low = buffer[0]
        for i in 1..<upper { low = max(low, buffer[i]) }
        return (low + high) / 2
    }

    /// The k-th smallest (0-based) of `buffer[0..<count]`, leaving smaller values before k
    /// and larger after it.
    static func select(_ a: UnsafeMutablePointer<Double>, count: Int, k: Int) -> Double {
        var lo = 0, hi = count - 1
        while hi > lo {
            // Median-of-three pivot.
            let mid = lo + (hi - lo) / 2
            if a[mid] < a[lo] { swap(a, lo, mid) }
            if a[hi] < a[lo] { swap(a, lo, hi) }
            if a[hi] < a[mid] { swap(a, mid, hi) }
            let pivot = a[mid]
            var i = lo, j = hi
            while i <= j {
                while a[i] < pivot { i += 1 }
                while a[j] > pivot { j -= 1 }
                if i <= j { swap(a, i, j); i += 1; j -= 1 }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { return a[k] }
        }
        return a[k]
    }

    @inline(__always)
    private static func swap(_ a: UnsafeMutablePointer<Double>, _ i: Int, _ j: Int) {
        let t = a[i]; a[i] = a[j]; a[j] = t
    }
}
