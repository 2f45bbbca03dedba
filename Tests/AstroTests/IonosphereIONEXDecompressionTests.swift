import Foundation
import XCTest
@testable import Astro

/// Our LZW (.Z) and gzip expansion against `gzip -dc`, and damaged files.
final class IonosphereIONEXDecompressionTests: XCTestCase {
    private func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func testLZWMatchesGzipOnTheCODEFiles() throws {
        for name in [IONEXFiles.codeDay8, IONEXFiles.codeDay9] {
            let path = IONEXFiles.path(name)
            let ours = try LZWDecoder.decompress(try bytes(path))
            let reference = [UInt8](try IONEXFiles.gzipExpanded(path))
            XCTAssertEqual(ours.count, reference.count, name)
            XCTAssertTrue(ours == reference, "\(name): LZW expansion differs from gzip -dc")
        }
    }

    func testGzipMatchesGzipOnTheIGSFile() throws {
        let path = IONEXFiles.path(IONEXFiles.igsDay349)
        let ours = try GzipDecoder.decompress(try bytes(path))
        let reference = [UInt8](try IONEXFiles.gzipExpanded(path))
        XCTAssertEqual(ours.count, reference.count)
        XCTAssertTrue(ours == reference, "gzip expansion differs from gzip -dc")
    }

    /// `compress` output of our own making (when the system has ncompress): maximum code widths
    /// 10 ... 16, each stream growing through every width up to it, with table clears (the
    /// random tail makes block mode clear the table). Not 9: ncompress 4.2.4.6 cannot expand its
    /// own `-b 9` output, nor can gzip ("corrupt input").
    func testLZWOnCompressOutputWithEveryWidth() throws {
        guard (try? IONEXFiles.run("/bin/sh", ["-c", "command -v compress"]))?.status == 0 else {
            return XCTFail("no compress(1) on this machine: scripts/install-deps.sh --test installs ncompress")
        }
        let directory = TemporaryDirectory("lzw")
        var random = SystemRandomNumberGenerator()
        // Text that repeats (long codes) and noise (fast table growth, clears in block mode).
        var input = [UInt8]()
        for _ in 0..<200 { input += Array("TEC 12.3 45.6 78.9 ".utf8) }
        for _ in 0..<300_000 { input.append(UInt8.random(in: 0...255, using: &random)) }
        let source = directory.file("input")
        try Data(input).write(to: URL(fileURLWithPath: source))
        for bits in 10...16 {
            let result = try IONEXFiles.run("/bin/sh", ["-c", "compress -f -c -b \(bits) \"$0\" > \"$0.Z\"", source])
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(try LZWDecoder.decompress(try bytes(source + ".Z")) == input, "\(bits)-bit codes")
        }
    }

    func testMultiMemberGzip() throws {
        let directory = TemporaryDirectory("gzip")
        let first = Data("first member\n".utf8), second = Data(repeating: 65, count: 100_000)
        try first.write(to: URL(fileURLWithPath: directory.file("a")))
        try second.write(to: URL(fileURLWithPath: directory.file("b")))
        let made = try IONEXFiles.run("/bin/sh", ["-c", "cd \"$0\" && gzip -c a > ab.gz && gzip -c b >> ab.gz "
            + "&& head -c 512 /dev/zero >> ab.gz", directory.path])
        XCTAssertEqual(made.status, 0, made.stderr)
        let expanded = try GzipDecoder.decompress(try bytes(directory.file("ab.gz")))
        XCTAssertEqual(expanded, [UInt8](first + second))
    }

    func testDamagedGzipIsAClearError() throws {
        let original = try bytes(IONEXFiles.path(IONEXFiles.igsDay349))
        // Cut off: the end of the data is missing.
        XCTAssertThrowsError(try GzipDecoder.decompress(Array(original.prefix(original.count / 2)))) { error in
            XCTAssertTrue("\(error)".contains("ends early"), "\(error)")
        }
        // Bytes changed in the middle: a deflate error or the CRC-32 check fails.
        var damaged = original
        for index in stride(from: original.count / 2, to: original.count / 2 + 64, by: 1) { damaged[index] ^= 0x5A }
        XCTAssertThrowsError(try GzipDecoder.decompress(damaged)) { error in
            XCTAssertTrue("\(error)".contains("corrupt gzip data"), "\(error)")
        }
        // Only the stored CRC-32 is wrong.
        var badCRC = original
        badCRC[original.count - 8] ^= 0xFF
        XCTAssertThrowsError(try GzipDecoder.decompress(badCRC)) { error in
            XCTAssertTrue("\(error)".contains("incorrect data check"), "\(error)")
        }
        // Trailing junk that is not another member.
        XCTAssertThrowsError(try GzipDecoder.decompress(original + Array("junk".utf8))) { error in
            XCTAssertTrue("\(error)".contains("trailing data"), "\(error)")
        }
        // Through IONEXMaps.read: the file is named.
        let directory = TemporaryDirectory("gzip-damaged")
        let path = directory.file("igsg3490.24i.gz")
        try Data(damaged).write(to: URL(fileURLWithPath: path))
        assertIONEXError(try IONEXMaps.read(path: path), path, "cannot expand gzip (.gz) data")
    }

    func testDamagedLZWIsAClearErrorNeverACrash() throws {
        let original = try bytes(IONEXFiles.path(IONEXFiles.codeDay8))
        // An impossible code width in the header.
        var badWidth = original
        badWidth[2] = 0x80 | 17
        XCTAssertThrowsError(try LZWDecoder.decompress(badWidth)) { error in
            XCTAssertTrue("\(error)".contains("17-bit codes"), "\(error)")
        }
        // A code beyond the table right after the header: the first code must be a literal.
        var badFirst = original
        badFirst[3] = 0xFF
        badFirst[4] |= 0x01
        XCTAssertThrowsError(try LZWDecoder.decompress(badFirst)) { error in
            XCTAssertTrue("\(error)".contains("corrupt LZW data"), "\(error)")
        }
        // Truncated: LZW has no end marker, so the expansion just stops; reading it as IONEX
        // then says where the text ends.
        let directory = TemporaryDirectory("lzw-damaged")
        let truncated = directory.file("codg0080.20i.Z")
        try Data(original.prefix(original.count / 3)).write(to: URL(fileURLWithPath: truncated))
        assertIONEXError(try IONEXMaps.read(path: truncated), truncated, "the file ends inside TEC map", "truncated?")
        // Random damage: always an error or some bytes, never a crash or a hang.
        var generator = SplitMixRandom(seed: 20_200_108)
        var errors = 0
        for _ in 0..<300 {
            var damaged = original
            let start = Int.random(in: 3..<damaged.count, using: &generator)
            for index in start..<min(damaged.count, start + Int.random(in: 1...16, using: &generator)) {
                damaged[index] = UInt8.random(in: 0...255, using: &generator)
            }
            if Bool.random(using: &generator) { damaged = Array(damaged.prefix(Int.random(in: 3...damaged.count, using: &generator))) }
            do { _ = try LZWDecoder.decompress(damaged) } catch { errors += 1 }
        }
        print("LZW fuzz: 300 damaged copies of \(IONEXFiles.codeDay8), \(errors) refused, the rest expanded (no crash)")
        XCTAssertGreaterThan(errors, 0)
    }

    func testReadDetectsCompressionByMagicNotName() throws {
        let directory = TemporaryDirectory("magic")
        let reference = try IONEXMaps.read(path: IONEXFiles.path(IONEXFiles.codeDay8))
        // A .Z file named like plain text, a gzip file named .Z, and plain text named .gz.
        let lzw = directory.file("maps.txt")
        try FileManager.default.copyItem(atPath: IONEXFiles.path(IONEXFiles.codeDay8), toPath: lzw)
        let plain = directory.file("maps.gz")
        try IONEXFiles.gzipExpanded(IONEXFiles.path(IONEXFiles.codeDay8)).write(to: URL(fileURLWithPath: plain))
        let gzip = directory.file("maps.Z")
        let made = try IONEXFiles.run("/bin/sh", ["-c", "gzip -c \"$0\" > \"$1\"", plain, gzip])
        XCTAssertEqual(made.status, 0, made.stderr)
        for path in [lzw, plain, gzip] {
            let maps = try IONEXMaps.read(path: path)
            XCTAssertEqual(maps.epochs, reference.epochs, path)
            XCTAssertTrue(maps.tec == reference.tec, path)
        }
        assertIONEXError(try IONEXMaps.read(path: directory.file("missing.Z")), "missing.Z", "cannot open", "No such file")
        assertIONEXError(try IONEXMaps.read(path: directory.path), "not a regular file")
    }
}
