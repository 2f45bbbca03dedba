import Testing
@testable import Astro

/// The read plan of the cutter's one pass: whole pages, sorted and disjoint runs that cover
/// every needed byte, gaps read through only when shorter than the threshold, runs split to
/// fit a buffer; and the spans a cube layout gives for a set of boxes.
@Suite struct CoalescedReadPlanTests {
    @Test func spansBecomeWholePagesMergedWhenTheyTouchOrOverlap() {
        let plan = CoalescedReadPlan(spans: [5000..<5100, 100..<200, 150..<4200, 8200..<8300], mergeGap: 0, maxRun: 1 << 20)
        #expect(plan.runs == [0..<12288], "100..<4200 and 5000..<5100 share page 1, 8200 is in page 2")
        let apart = CoalescedReadPlan(spans: [0..<10, 20_000..<20_010], mergeGap: 0, maxRun: 1 << 20)
        #expect(apart.runs == [0..<4096, 16384..<20480])
        #expect(apart.bytes == 8192)
    }

    @Test func gapsShorterThanTheThresholdAreReadThrough() {
        let spans = [0..<4096, 8192..<12288, 32768..<36864]
        #expect(CoalescedReadPlan(spans: spans, mergeGap: 4096, maxRun: 1 << 20).runs == [0..<12288, 32768..<36864])
        #expect(CoalescedReadPlan(spans: spans, mergeGap: 20480, maxRun: 1 << 20).runs == [0..<36864])
        #expect(CoalescedReadPlan(spans: spans, mergeGap: 0, maxRun: 1 << 20).runs == [0..<4096, 8192..<12288, 32768..<36864])
    }

    @Test func longRunsAreSplitIntoPagesThatFitABuffer() {
        let plan = CoalescedReadPlan(spans: [0..<10_000], mergeGap: 0, maxRun: 5000)
        #expect(plan.runs == [0..<4096, 4096..<8192, 8192..<12288])
        let ending = CoalescedReadPlan(spans: [4000..<9000], mergeGap: 0, maxRun: 1 << 20, fileSize: 9500)
        #expect(ending.runs == [0..<9500], "the last page stops at the file's end")
    }

    /// Random spans: the runs are sorted, disjoint, within maxRun, cover every span, and
    /// every page they read is a span's or in a gap shorter than mergeGap.
    @Test(arguments: [0, 4096, 65536]) func randomSpansKeepTheInvariants(mergeGap: Int) {
        var rng = SplitMixRandom(seed: UInt64(mergeGap) + 7)
        for _ in 0..<50 {
            let spans = (0..<Int(rng.next() % 60)).map { _ -> Range<Int> in
                let start = Int(rng.next() % 1_000_000)
                return start ..< start + Int(rng.next() % 20_000)
            }
            let maxRun = 4096 * Int(1 + rng.next() % 8)
            let plan = CoalescedReadPlan(spans: spans, mergeGap: mergeGap, maxRun: maxRun)
            for (a, b) in zip(plan.runs, plan.runs.dropFirst()) { #expect(a.upperBound <= b.lowerBound, "sorted, disjoint") }
            for run in plan.runs {
                #expect(run.count <= maxRun && run.lowerBound % 4096 == 0)
            }
            for span in spans where !span.isEmpty {
                var covered = 0
                for run in plan.runs { covered += max(0, min(run.upperBound, span.upperBound) - max(run.lowerBound, span.lowerBound)) }
                #expect(covered == span.count, "every byte of \(span) is read once")
            }
            // Pages needed, and the pages read that are not: each must lie in a short gap.
            let needed = Set(spans.flatMap { $0.isEmpty ? [] : Array($0.lowerBound / 4096 ... ($0.upperBound - 1) / 4096) })
            let read = plan.runs.flatMap { Array($0.lowerBound / 4096 ..< $0.upperBound / 4096) }
            #expect(Set(read).count == read.count, "no page read twice")
            for page in read where !needed.contains(page) {
                var low = page, high = page
                while !needed.contains(low - 1) && low > 0 { low -= 1 }
                while !needed.contains(high + 1) && high < 1_000_000 { high += 1 }
                #expect((high - low + 1) * 4096 <= mergeGap, "page \(page) read in a gap of \((high - low + 1) * 4096) bytes")
            }
        }
    }

    @Test func aLayoutGivesPerRowTheUnionOfTheBoxesThroughEveryPlane() {
        let layout = RawImageLayout(dataStart: 2880, shape: [10, 6, 2], bitpix: -32)
        #expect(layout.lineBytes == 40 && layout.planeBytes == 240 && layout.planes == 2 && layout.dataBytes == 480)
        let boxes = [CutoutBox(x: 1..<4, y: 1..<3), CutoutBox(x: 3..<6, y: 2..<4)]
        let spans = layout.spans(of: boxes)
        let plane0 = [2880 + 40 + 4 ..< 2880 + 40 + 16,      // row 1: x 1..<4
                      2880 + 80 + 4 ..< 2880 + 80 + 24,      // row 2: x 1..<6 (both boxes)
                      2880 + 120 + 12 ..< 2880 + 120 + 24]   // row 3: x 3..<6
        #expect(spans == plane0 + plane0.map { $0.lowerBound + 240 ..< $0.upperBound + 240 })
        #expect(layout.offset(x: 3, y: 2, plane: 1) == 2880 + 240 + 80 + 12)
    }
}
