import Foundation
import Testing
@testable import Astro

/// The cutter's reader thread: runs come back in order with the file's bytes, a file that
/// cannot be read ends the reads with a chunk naming why, and dropping the reader mid-way
/// (the cutter throwing) stops and joins its thread.
@Suite struct SequentialRunReaderTests {
    let directory = TemporaryDirectory("run-reader")

    func file(bytes: Int) throws -> String {
        let path = directory.file("data.bin")
        try Data((0..<bytes).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func runsComeBackInOrderWithTheFilesBytes() throws {
        let path = try file(bytes: 100_000)
        let expected = try Data(contentsOf: URL(fileURLWithPath: path))
        let runs = [0..<4096, 8192..<16384, 40960..<45056, 90112..<100_000]
        let reader = SequentialRunReader(files: [(path, runs), (path, [4096..<8192])], buffers: 2, bufferBytes: 16384)
        for (file, run) in runs.map({ (0, $0) }) + [(1, 4096..<8192)] {
            let chunk = try #require(reader.next())
            #expect(chunk.error == nil && chunk.file == file && chunk.range == run)
            #expect(Data(bytes: chunk.bytes, count: run.count) == expected[run])
            reader.recycle(chunk)
        }
        #expect(reader.next() == nil)
    }

    @Test func aMissingOrShortFileEndsTheReadsWithWhy() throws {
        let missing = SequentialRunReader(files: [(directory.file("none.fits"), [0..<4096])], buffers: 1, bufferBytes: 4096)
        let chunk = try #require(missing.next())
        #expect(chunk.error?.contains("cannot open") == true)
        #expect(missing.next() == nil)

        let path = try file(bytes: 5000)
        let short = SequentialRunReader(files: [(path, [0..<4096, 4096..<8192, 8192..<12288])], buffers: 4, bufferBytes: 4096)
        #expect(short.next()?.error == nil)
        #expect(short.next()?.error?.contains("truncated") == true)
        #expect(short.next() == nil, "no read after an error")
    }

    @Test func droppingTheReaderMidWayStopsItsThread() throws {
        let path = try file(bytes: 1 << 20)
        let runs = stride(from: 0, to: 1 << 20, by: 4096).map { $0 ..< $0 + 4096 }
        for _ in 0..<20 {
            let reader = SequentialRunReader(files: [(path, runs)], buffers: 2, bufferBytes: 4096)
            _ = reader.next()   // taken and never given back: the thread waits for a buffer
        }
        // Each reader's deinit cancelled and joined its thread, or this test would hang.
    }
}
