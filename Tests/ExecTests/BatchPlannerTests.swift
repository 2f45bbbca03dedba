import XCTest
@testable import Exec

/// How waiting tasks become job arrays: one per resource class, batches sized from the work
/// waiting, recorded durations and `job_time`, within MaxArraySize and the jobs allowed.
final class BatchPlannerTests: XCTestCase {
    typealias Class = BatchPlanner.ResourceClass
    let small = Class(cpus: 1, memoryMB: 0, timeSeconds: 0)
    let big = Class(cpus: 4, memoryMB: 8192, timeSeconds: 3600)

    func planner(_ estimates: [String: Double] = [:], tasksPerJob: Int? = nil, maxArraySize: Int = 1001) -> BatchPlanner {
        var s = SlurmSettings()
        s.tasksPerJob = tasksPerJob
        return BatchPlanner(settings: s, estimates: DurationEstimates(estimates), maxArraySize: maxArraySize)
    }

    func testUnknownDurationsSpreadTheWorkOverTheSlots() {
        let arrays = planner().plan(Array(repeating: ("task", small), count: 10_000), slots: 16)
        XCTAssertEqual(arrays.count, 1)
        XCTAssertEqual(arrays[0].elements.count, 16)
        XCTAssertEqual(arrays[0].tasksPerElement, 625)
        XCTAssertEqual(arrays[0].elements.map(\.count).reduce(0, +), 10_000)
    }

    func testRecordedDurationsCapAnElementAtJobTime() {
        // 60 s a task, 1 h an element: 60 tasks each, 16 elements now, the rest later.
        let arrays = planner(["slow": 60]).plan(Array(repeating: ("slow", small), count: 10_000), slots: 16)
        XCTAssertEqual(arrays[0].tasksPerElement, 60)
        XCTAssertEqual(arrays[0].elements.count, 16)
        // A product's own time limit does the same when history has no durations.
        let timed = planner().plan(Array(repeating: ("new", big), count: 100), slots: 4)
        XCTAssertEqual(timed[0].tasksPerElement, 1)
        XCTAssertEqual(timed[0].elements.count, 4)
    }

    func testTasksPerJobAndMaxArraySize() {
        let arrays = planner(tasksPerJob: 1, maxArraySize: 100).plan(Array(repeating: ("t", small), count: 500), slots: 1000)
        XCTAssertEqual(arrays[0].elements.count, 100)
        XCTAssertTrue(arrays[0].elements.allSatisfy { $0.count == 1 })
    }

    func testResourceClassesGetArraysOfTheirOwnAndShareTheSlots() {
        let tasks = Array(repeating: ("a", small), count: 30) + Array(repeating: ("b", big), count: 10)
        let arrays = planner().plan(tasks, slots: 8)
        XCTAssertEqual(arrays.map(\.resources), [small, big])
        XCTAssertLessThanOrEqual(arrays.map(\.elements.count).reduce(0, +), 8)
        XCTAssertTrue(arrays[0].elements.joined().allSatisfy { $0 < 30 })
        XCTAssertTrue(arrays[1].elements.joined().allSatisfy { $0 >= 30 })
    }
}
