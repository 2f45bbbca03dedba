/// The progress line's ETA. With recorded durations (run history), the remaining tasks are
/// expected to take the mean recorded duration of the tasks started so far, scaled by how
/// this run's finished tasks compare with their records (a slower machine, a busier disk),
/// spread over the workers. Without records it is the remaining count over this run's rate.
struct EtaEstimator {
    let estimates: DurationEstimates
    let workers: Int
    /// Recorded seconds of the tasks started whose family has a record, and their count.
    private var startedExpected = 0.0
    private var startedKnown = 0
    /// Recorded and actual seconds of the finished tasks whose family has a record.
    private var finishedExpected = 0.0
    private var finishedActual = 0.0
    private var finishedKnown = 0

    init(estimates: DurationEstimates, workers: Int) {
        self.estimates = estimates
        self.workers = max(1, workers)
    }

    mutating func started(family: String) {
        guard let s = estimates.seconds(family: family) else { return }
        startedExpected += s
        startedKnown += 1
    }

    mutating func finished(family: String, seconds: Double) {
        guard let s = estimates.seconds(family: family) else { return }
        finishedExpected += s
        finishedActual += seconds
        finishedKnown += 1
    }

    /// Seconds until `remaining` tasks are done; `rate` is this run's tasks per second so far.
    func eta(remaining: Int, rate: Double) -> Double {
        guard remaining > 0 else { return 0 }
        guard startedKnown > 0 else { return rate > 0 ? Double(remaining) / rate : 0 }
        let calibration = finishedKnown >= 3 && finishedExpected > 0 ? finishedActual / finishedExpected : 1
        let perTask = startedExpected / Double(startedKnown) * calibration
        return Double(remaining) * perTask / Double(min(workers, remaining))
    }
}
