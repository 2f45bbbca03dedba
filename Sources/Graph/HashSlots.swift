#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The zeroed slots of an open-addressing table (`RecordIndex`), in memory of their own
/// that the kernel may back with 2 MB pages.
///
/// A no-op build looks up each of a million products' trace and input digests once, at a
/// random slot of a table tens of megabytes long: with 4 KB pages nearly every lookup also
/// misses the TLB. Huge pages (asked for with `MADV_HUGEPAGE`, which transparent huge pages
/// in their default `madvise` mode honour) make those page walks rare. Shared by copies of
/// the index that holds it; written only while that index is built.
final class HashSlots: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<UInt64>
    let count: Int
    private let bytes: Int
    private let mapped: Bool

    /// Tables smaller than this stay on the ordinary heap.
    private static let hugePage = 2 << 20

    init(count: Int) {
        self.count = count
        let wanted = count * MemoryLayout<UInt64>.stride
        if wanted >= Self.hugePage {
            let rounded = (wanted + Self.hugePage - 1) / Self.hugePage * Self.hugePage
            if let p = mmap(nil, rounded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED {
                #if os(Linux)
                _ = madvise(p, rounded, 14)  // MADV_HUGEPAGE (not exported to Swift)
                #endif
                pointer = p.bindMemory(to: UInt64.self, capacity: count)  // anonymous memory is zeroed
                bytes = rounded
                mapped = true
                return
            }
        }
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: 0, count: count)
        bytes = wanted
        mapped = false
    }

    deinit {
        if mapped { munmap(pointer, bytes) } else { pointer.deallocate() }
    }
}
