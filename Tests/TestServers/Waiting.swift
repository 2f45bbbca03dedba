import Foundation

/// Waiting in the tests for something to happen, never for a length of time: `until` polls a
/// condition (a file, a record, a process ending) until it holds or a generous deadline
/// passes, so a loaded machine makes a test slower, never wrong. The tests of CLITests and
/// StoreTests wait through here.
public enum Poll {
    /// How long a test waits for an event before calling it missing.
    public static let patience: Double = 60

    /// Whether `condition` held within `timeout` seconds (checked every few milliseconds).
    public static func until(timeout: Double = patience, _ condition: () throws -> Bool) rethrows -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while true {
            if try condition() { return true }
            if Date() >= end { return false }
            // The polling interval, not a wait for anything.
            usleep(5_000)
        }
    }
}
