import Foundation
import Graph
import XCTest

// How the engine tests wait: for the event itself, polled with a generous deadline, never
// for a fixed time (a loaded machine makes a test slower, not wrong).

/// Waits until `condition` holds; fails the test, naming `what`, if it has not within `timeout`.
@discardableResult
func waitUntil(_ what: @autoclosure () -> String, timeout: Double = 60,
               file: StaticString = #filePath, line: UInt = #line, _ condition: () throws -> Bool) rethrows -> Bool {
    let end = Date().addingTimeInterval(timeout)
    while try !condition() {
        guard Date() < end else {
            XCTFail("waited \(timeout) s in vain until \(what())", file: file, line: line)
            return false
        }
        sched_yield()
    }
    return true
}

/// A clock the test sets (the seam `StampClock` gives): where a test needs "now" to be past a
/// file's last change, or in the same tick as it, it says so instead of waiting for the
/// filesystem's clock to get there.
final class ManualClock: StampClock, @unchecked Sendable {
    private let lock = NSLock()
    private var time: Int64

    init(_ time: Int64 = 0) { self.time = time }

    func now() -> Int64 { lock.withLock { time } }

    func set(_ t: Int64) { lock.withLock { time = t } }

    /// Now is one tick past the last change of every one of `paths` that exists.
    func pass(_ paths: [String]) {
        var st = stat()
        let last = paths.compactMap { stat($0, &st) == 0 ? FileSignature(st).lastChangeNs : nil }.max() ?? 0
        set(max(now(), last + 1))
    }

    /// Now is the last change of `path`: the same tick, which must not be trusted.
    func sameTick(as path: String) {
        var st = stat()
        precondition(stat(path, &st) == 0, "\(path) does not exist")
        set(FileSignature(st).lastChangeNs)
    }
}
