import Foundation
import Testing
@testable import Astro

/// Bad files give an error naming the file and what is wrong; none crashes.
@Suite struct FITSErrorTests {
    /// Writes a valid 16x16x1x8 cube and returns its bytes.
    static func validCube(in dir: TemporaryDirectory, checksums: Bool = true) throws -> (String, Data) {
        let path = dir.file("cube.fits")
        var cube = PixelArray<Float>(shape: [16, 16, 1, 8], repeating: 1)
        for i in cube.values.indices { cube.values[i] = Float(i % 97) }
        let out = try FITSFile.create(path, checksums: checksums)
        try out.writeImage(cube)
        try out.commit()
        return (path, try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func openAndRead(_ path: String) throws {
        let file = try FITSFile.open(path)
        _ = try file.readImage(as: Float.self)
    }

    @Test func missingFile() {
        let error = #expect(throws: FITSError.self) { try Self.openAndRead("/nonexistent/dir/x.fits") }
        #expect(error?.description == "/nonexistent/dir/x.fits: cannot open: No such file or directory")
    }

    @Test func emptyFile() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("empty.fits")
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let error = #expect(throws: FITSError.self) { try Self.openAndRead(path) }
        #expect(error?.description == "\(path): not a FITS file: the file is empty")
    }

    @Test func textFileIsNotFITS() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("notes.fits")
        try Data(String(repeating: "# Channel Weight\n0 1.0\n", count: 300).utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: FITSError.self) { try Self.openAndRead(path) }
        #expect(error?.description.hasPrefix("\(path): not a FITS file") == true)
    }

    @Test func directoryIsNotAFile() throws {
        let dir = TemporaryDirectory()
        let error = #expect(throws: FITSError.self) { try Self.openAndRead(dir.path) }
        #expect(error?.description == "\(dir.path): not a regular file")
    }

    @Test(arguments: [0.9, 0.5, 0.2])
    func truncatedDataIsReportedWithSizes(fraction: Double) throws {
        let dir = TemporaryDirectory()
        let (path, bytes) = try Self.validCube(in: dir)
        let keep = 2880 + Int(Double(bytes.count - 2880) * fraction)
        try bytes.prefix(keep).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: FITSError.self) { try Self.openAndRead(path) }
        #expect(error?.description.contains("\(path): file is truncated: the header promises 8192 bytes of data") == true)
    }

    @Test func truncatedHeaderIsReported() throws {
        let dir = TemporaryDirectory()
        let (path, bytes) = try Self.validCube(in: dir)
        try bytes.prefix(1000).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: FITSError.self) { try Self.openAndRead(path) }
        #expect(error?.description.hasPrefix("\(path): not a FITS file or truncated: 1000 bytes") == true)
    }

    @Test func garbledFirstCardIsReported() throws {
        let dir = TemporaryDirectory()
        let (path, bytes) = try Self.validCube(in: dir)
        var broken = bytes
        broken.replaceSubrange(0..<8, with: Data("GARBAGE!".utf8))
        try broken.write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: FITSError.self) { try Self.openAndRead(path) }
        #expect(error?.description.hasPrefix("\(path): not a FITS file or its header is corrupt") == true)
    }

    @Test func flippedDataByteFailsTheChecksum() throws {
        let dir = TemporaryDirectory()
        let (path, bytes) = try Self.validCube(in: dir)
        var broken = bytes
        broken[2880 + 100] ^= 0x40
        try broken.write(to: URL(fileURLWithPath: path))
        let file = try FITSFile.open(path)
        let error = #expect(throws: FITSError.self) { try file.verifyChecksums() }
        #expect(error?.description == "\(path): checksum mismatch: the file is corrupt (data checksum differs)")
    }

    @Test func tableWhereAnImageIsExpected() throws {
        let dir = TemporaryDirectory()
        let (path, _) = try Self.validCube(in: dir)
        let error = #expect(throws: FITSError.self) { try FITSFile.open(path).readTable() }
        #expect(error?.description == "\(path): no table extension in the file (1 HDUs, all images)")
    }

    @Test func createInAMissingDirectoryNamesTheFinalPath() {
        let error = #expect(throws: FITSError.self) { try FITSFile.create("/nonexistent/dir/out.fits") }
        #expect(error?.description.hasPrefix("/nonexistent/dir/out.fits: create failed") == true)
    }
}
