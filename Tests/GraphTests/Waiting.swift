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

/// Waits until `clock` reads strictly later than the last change of each of `paths` that
/// exists, so that a stamp taken next trusts what they hold now (a change in the same clock
/// tick as a stamp is never trusted).
func waitForClock(_ clock: FilesystemClock, toPass paths: [String], file: StaticString = #filePath, line: UInt = #line) {
    var st = stat()
    let last = paths.compactMap { stat($0, &st) == 0 ? FileSignature(st).lastChangeNs : nil }.max() ?? .min
    waitUntil("the filesystem clock passes the last change of \(paths)", file: file, line: line) { clock.now() > last }
}
