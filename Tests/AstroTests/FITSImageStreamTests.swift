import Foundation
import Testing
@testable import Astro

/// `FITSImageStream` writes the data itself (big-endian, large pwrites): its files must be
/// the bytes cfitsio writes for the same image, and like `FITSFile.create` appear only whole.
@Suite struct FITSImageStreamTests {
    @Test func streamedCubeIsByteForByteWhatCFITSIOWrites() throws {
        let dir = TemporaryDirectory()
        let shape = [7, 5, 1, 13]
        let cube = FITSImageTests.cube(shape)
        let header = FITSImageTests.cubeHeader()
        let viaCFITSIO = dir.file("cfitsio.fits"), streamed = dir.file("stream.fits")
        let out = try FITSFile.create(viaCFITSIO)
        try out.writeImage(cube, header: header)
        try out.commit()

        let stream = try FITSImageStream.create(streamed, shape: shape, header: header)
        // Planes in a scrambled order, some through a batch, some directly.
        let plane = 7 * 5
        try cube.values.withUnsafeBufferPointer { values in
            var batch = FITSImageStream.Batch(stream, capacity: 2 * plane)
            for k in [0, 1, 2, 7, 8] {
                try batch.append(at: k * plane, count: plane) { $0.baseAddress!.update(from: values.baseAddress! + k * plane, count: plane) }
            }
            try batch.flush()
            for k in [12, 3, 4, 5, 6, 9, 10, 11] {
                try stream.write(UnsafeBufferPointer(rebasing: values[(k * plane)..<((k + 1) * plane)]), at: k * plane)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: streamed))
        try stream.commit()
        let a = try Data(contentsOf: URL(fileURLWithPath: viaCFITSIO))
        let b = try Data(contentsOf: URL(fileURLWithPath: streamed))
        #expect(a.count == b.count)
        #expect(a == b)
        let back: PixelArray<Float> = try FITSFile.open(streamed).readImage()
        #expect(back.shape == shape)
        #expect(zip(back.values, cube.values).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
    }

    @Test func droppedStreamLeavesNothingAndOutOfRangeWritesFail() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("cube.fits")
        do {
            let stream = try FITSImageStream.create(path, shape: [4, 4, 2])
            let values = [Float](repeating: 1, count: 4)
            try values.withUnsafeBufferPointer { v in
                #expect(throws: FITSError.self) { try stream.write(v, at: 30) }   // 30..<34 of 32
                try stream.write(v, at: 28)                                      // the last four
            }
            #expect(dir.listing().count == 1)   // the temporary file, under another name
            #expect(!FileManager.default.fileExists(atPath: path))
        }
        #expect(dir.listing().isEmpty)
    }

    @Test func unwritableDirectoryNamesTheFile() {
        let path = "/nonexistent-arrakis-dir/cube.fits"
        #expect {
            _ = try FITSImageStream.create(path, shape: [2, 2])
        } throws: { error in
            "\(error)".contains(path) && "\(error)".contains("cannot create")
        }
    }
}
