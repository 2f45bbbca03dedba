import Foundation

/// Whether `condition` held within `timeout` seconds: how these tests wait for an event (a
/// server accepting connections, the wall clock's second changing), polled, never for a
/// fixed time.
func waitUntil(timeout: Double = 60, _ condition: () throws -> Bool) rethrows -> Bool {
    let end = Date().addingTimeInterval(timeout)
    while true {
        if try condition() { return true }
        if Date() >= end { return false }
        usleep(5_000)  // the polling interval
    }
}
