import Foundation

extension SlurmExecutor {
    /// A submission this controller (or one before it) made.
    final class Submission {
        let id: String
        let directory: String
        var jobID: String?
        /// Each element's tasks.
        let elements: [[WorkerTask]]
        /// Tasks of each element without a result read yet.
        private var remaining: [Int]
        /// Keys with a result read, per element.
        private var reported: [Set<String>]
        /// How far each element's result log has been read.
        private var offsets: [Int]
        /// Elements known to have ended (not in the queue any more, results read).
        var ended: Set<Int> = []
        /// Elements last seen pending, and since when.
        var pendingSince: [Int: Date] = [:]
        /// When an ended element's missing results were first noticed (shared filesystems
        /// may show a file late).
        var missingSince: [Int: Date] = [:]
        init(id: String, directory: String, jobID: String?, elements: [[WorkerTask]]) {
            self.id = id
            self.directory = directory
            self.jobID = jobID
            self.elements = elements
            remaining = elements.map(\.count)
            reported = Array(repeating: [], count: elements.count)
            offsets = Array(repeating: 0, count: elements.count)
        }
        /// Records written since the last call, by element.
        func newRecords(_ e: Int) -> [ResultRecord] {
            let (records, end) = ResultLog.read(ResultLog.path(directory, element: e), from: offsets[e])
            offsets[e] = end
            for r in records where reported[e].insert(r.key).inserted { remaining[e] -= 1 }
            return records
        }
        func hasResult(_ task: WorkerTask, element e: Int) -> Bool { reported[e].contains(task.key) }
        /// The element ended, or reported every task (its job is exiting).
        func isDone(_ e: Int) -> Bool { remaining[e] <= 0 || ended.contains(e) }
        /// Elements still at work: they count against the jobs allowed in flight.
        var live: Int { remaining.indices.reduce(0) { $0 + (isDone($1) ? 0 : 1) } }
        var complete: Bool { live == 0 }
    }
}
