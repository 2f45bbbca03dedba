#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Peak resident memory, in KiB.
enum MemoryUsage {
    /// This process's high-water resident set so far.
    static func processPeakKB() -> Int? {
        var usage = rusage()
        #if canImport(Glibc)
        let who = RUSAGE_SELF.rawValue
        #else
        let who = RUSAGE_SELF
        #endif
        guard getrusage(who, &usage) == 0 else { return nil }
        return kilobytes(usage.ru_maxrss)
    }

    /// `ru_maxrss` is KiB on Linux, bytes on macOS.
    static func kilobytes(_ maxrss: Int) -> Int {
        #if os(macOS)
        return maxrss / 1024
        #else
        return maxrss
        #endif
    }
}
