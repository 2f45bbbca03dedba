#if canImport(Glibc)
import Glibc
#endif

/// Number of online processors (the default worker count).
public enum ProcessorCount {
    public static var value: Int {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return max(1, Int(sysconf(_SC_NPROCESSORS_ONLN)))
        #endif
    }
}
