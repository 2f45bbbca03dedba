/// Expected seconds per task of each product family, from run history. The progress ETA
/// uses them before (and while) this run's own timings come in; an executor that batches
/// tasks (SLURM job arrays) can size its batches with them.
public struct DurationEstimates: Sendable, Equatable {
    public var secondsByFamily: [String: Double]

    public init(_ secondsByFamily: [String: Double] = [:]) {
        self.secondsByFamily = secondsByFamily
    }

    public var isEmpty: Bool { secondsByFamily.isEmpty }

    /// The expected seconds of one task of `family`, if history knows the family.
    public func seconds(family: String) -> Double? { secondsByFamily[family] }

    /// How many tasks of `family` fill about `target` seconds (at least 1; `fallback` when
    /// the family was never timed): a batch size for executors that group short tasks.
    public func tasks(of family: String, filling target: Double, fallback: Int = 1) -> Int {
        guard let s = secondsByFamily[family], s > 0 else { return max(1, fallback) }
        return max(1, Int(target / s))
    }
}
