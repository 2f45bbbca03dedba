import XCTest
@testable import Exec

/// Job states as squeue, sacct and scontrol write them.
final class SlurmJobStateTests: XCTestCase {
    func testStatesParseFromSlurmText() {
        XCTAssertEqual(SlurmJobState(parsing: "PENDING"), .pending)
        XCTAssertEqual(SlurmJobState(parsing: "CANCELLED by 1000"), .cancelled)
        XCTAssertEqual(SlurmJobState(parsing: "OUT_OF_MEMORY"), .outOfMemory)
        XCTAssertEqual(SlurmJobState(parsing: "node_fail"), .nodeFail)
        XCTAssertEqual(SlurmJobState(parsing: "SPECIAL_EXIT"), .other("SPECIAL_EXIT"), "unknown states are kept by name")
    }

    func testNamesAreSlurms() {
        XCTAssertEqual(SlurmJobState.outOfMemory.description, "OUT_OF_MEMORY")
        XCTAssertEqual(SlurmJobState.other("SPECIAL_EXIT").description, "SPECIAL_EXIT")
        XCTAssertEqual(SlurmJobState(parsing: SlurmJobState.bootFail.description), .bootFail)
    }

    func testLostStatesAreTheSchedulers() {
        XCTAssertTrue(SlurmJobState.preempted.isLost)
        XCTAssertTrue(SlurmJobState.cancelled.isLost)
        XCTAssertFalse(SlurmJobState.timeout.isLost)
        XCTAssertFalse(SlurmJobState.failed.isLost)
    }
}
