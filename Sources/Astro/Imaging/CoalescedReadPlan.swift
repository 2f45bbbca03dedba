/// The reads that fetch a set of byte ranges of one file in one sequential pass: each
/// range widened to whole pages (the device reads pages anyway, and a page shared by two
/// reads would otherwise be fetched twice), overlapping or touching ones merged, ranges
/// closer than `mergeGap` bytes merged across the gap (one request instead of two when
/// reading the gap costs less than issuing another), and runs longer than `maxRun` split
/// so that each fits one read buffer.
///
/// The runs are sorted, do not overlap, cover every requested byte, and every byte of a
/// run is either requested or lies in a gap shorter than `mergeGap` (or in the pages
/// around a requested byte): nothing is read twice.
public struct CoalescedReadPlan: Sendable, Equatable {
    /// File byte ranges to read, in file order.
    public let runs: [Range<Int>]

    /// - Parameters:
    ///   - spans: the bytes needed, in any order, overlapping or not.
    ///   - page: the alignment runs are widened to (1: none).
    ///   - mergeGap: gaps shorter than this between runs are read through.
    ///   - maxRun: the longest run (rounded down to whole pages, at least one page).
    ///   - fileSize: runs end at most here (the widening to pages stops at the file's end).
    public init(spans: [Range<Int>], page: Int = 4096, mergeGap: Int, maxRun: Int, fileSize: Int = .max) {
        precondition(page > 0 && mergeGap >= 0 && maxRun > 0)
        let limit = max(page, maxRun / page * page)
        var merged: [Range<Int>] = []
        for span in spans.sorted(by: { $0.lowerBound < $1.lowerBound }) where !span.isEmpty {
            let lower = span.lowerBound / page * page
            let upper = min(fileSize, (span.upperBound + page - 1) / page * page)
            if let last = merged.last, lower <= last.upperBound + mergeGap {
                merged[merged.count - 1] = last.lowerBound ..< max(last.upperBound, upper)
            } else {
                merged.append(lower ..< upper)
            }
        }
        var runs: [Range<Int>] = []
        runs.reserveCapacity(merged.count)
        for run in merged {
            var start = run.lowerBound
            while start < run.upperBound {
                let end = min(run.upperBound, start + limit)
                runs.append(start ..< end)
                start = end
            }
        }
        self.runs = runs
    }

    /// Bytes the runs read.
    public var bytes: Int { runs.reduce(0) { $0 + $1.count } }
}
