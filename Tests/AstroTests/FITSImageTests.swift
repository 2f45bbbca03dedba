import Foundation
import Testing
@testable import Astro

@Suite struct FITSImageTests {
    /// A header like an ASKAP beam cube's, with commentary and a long string.
    static func cubeHeader() -> FITSHeader {
        var h = FITSHeader()
        h.set("CTYPE1", .string("RA---SIN"))
        h.set("CRVAL1", .real(187.5), comment: "deg")
        h.set("CTYPE4", .string("FREQ"))
        h.set("CRVAL4", .real(747.5e6))
        h.set("BMAJ", .real(0.0069444444444444), comment: "25 arcsec")
        h.set("INSTRUMENT_RECEPTOR_ANGLE", .real(-45))
        h.set("TELESCOP", .string("ASKAP"))
        h.set("DR1", .logical(true))
        h.set("SBID", .integer(8576))
        h.set("ORIGIN", .string("it's quoted"))
        h.set("LONGSTR", .string(String(repeating: "abcdefghij", count: 12)))
        h.addHistory("first step")
        h.addComment("a comment")
        h.addHistory("second step")
        return h
    }

    static func cube(_ shape: [Int]) -> PixelArray<Float> {
        var a = PixelArray<Float>(shape: shape, repeating: 0)
        for i in a.values.indices { a.values[i] = Float(i) * 0.5 - 3 }
        a.values[4] = .nan
        a.values[a.values.count - 1] = .nan
        return a
    }

    @Test func cubeRoundTripKeepsValuesNaNsAndEveryCard() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("cube.fits")
        let cube = Self.cube([7, 5, 1, 3])
        let header = Self.cubeHeader()
        let out = try FITSFile.create(path, checksums: true)
        try out.writeImage(cube, header: header)
        try out.commit()

        let file = try FITSFile.open(path)
        #expect(try file.imageShape() == [7, 5, 1, 3])
        #expect(try file.imageBitpix() == -32)
        #expect(try file.readImage(as: Float.self) == cube)
        let back = try file.readHeader()
        let userCards = back.cards.filter { !isStructuralImageKeyword($0.keyword) }
        #expect(userCards == header.cards)
        #expect(back.history == ["first step", "second step"])
        #expect(try file.verifyChecksums())
    }

    @Test func doublePrecisionRoundTrip() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("d.fits")
        var a = PixelArray<Double>(shape: [4, 3], repeating: 0)
        for i in a.values.indices { a.values[i] = 1.0 / Double(i + 1) }
        a[2, 1] = .nan
        let out = try FITSFile.create(path)
        try out.writeImage(a, bitpix: -64)
        try out.commit()
        #expect(try FITSFile.open(path).readImage(as: Double.self) == a)
    }

    @Test func scaledIntegersApplyBscaleBzeroAndBlank() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("scaled.fits")
        var header = FITSHeader()
        header.set("BSCALE", .real(0.001))
        header.set("BZERO", .real(10))
        header.set("BLANK", .integer(-32768))
        var a = PixelArray<Float>(shape: [6, 2], repeating: 0)
        for i in a.values.indices { a.values[i] = 10 + Float(i) * 0.25 - 1 }
        a.values[3] = .nan
        let out = try FITSFile.create(path)
        try out.writeImage(a, bitpix: 16, header: header)
        try out.commit()

        let file = try FITSFile.open(path)
        #expect(try file.imageBitpix() == 16)
        let back = try file.readImage(as: Float.self)
        #expect(back.values[3].isNaN)
        for i in a.values.indices where i != 3 {
            #expect(abs(back.values[i] - a.values[i]) <= 0.0005 + 1e-5, "pixel \(i)")
        }
        #expect(try file.readHeader().double("BSCALE") == 0.001)
    }

    @Test func windowReadEqualsTheSameSliceOfTheWholeCube() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("w.fits")
        let cube = Self.cube([9, 8, 1, 4])
        let out = try FITSFile.create(path)
        try out.writeImage(cube)
        try out.commit()
        let window = try FITSFile.open(path).readWindow(x: 2..<6, y: 3..<8, as: Float.self)
        #expect(window.shape == [4, 5, 1, 4])
        for c in 0..<4 { for y in 0..<5 { for x in 0..<4 {
            let want = cube[x + 2, y + 3, 0, c]
            let got = window[x, y, 0, c]
            #expect(got == want || (got.isNaN && want.isNaN))
        } } }
    }

    @Test func windowOutsideTheImageIsAnErrorNamingTheAxis() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("w.fits")
        let out = try FITSFile.create(path)
        try out.writeImage(Self.cube([4, 4, 1, 2]))
        try out.commit()
        let error = #expect(throws: FITSError.self) {
            try FITSFile.open(path).readWindow(x: 2..<6, y: 0..<2, as: Float.self)
        }
        #expect(error?.description.contains("axis 1") == true)
        #expect(error?.description.contains(path) == true)
    }

    @Test func planeByPlaneWritesBuildOneCube() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("planes.fits")
        let cube = Self.cube([5, 4, 1, 3])
        let out = try FITSFile.create(path, checksums: false)
        try out.createImage(bitpix: -32, shape: cube.shape)
        for c in 0..<3 {
            try out.writePixels(Array(cube.values[(c * 20)..<((c + 1) * 20)]), from: [0, 0, 0, c])
        }
        try out.commit()
        let file = try FITSFile.open(path)
        #expect(try file.readImage(as: Float.self) == cube)
        #expect(try file.verifyChecksums() == false)
    }

    /// The memory-mapped fast path must decode every BITPIX exactly as cfitsio does.
    @Test(arguments: [8, 16, 32, 64, -32, -64])
    func mappedWindowsMatchCfitsio(bitpix: Int) throws {
        let dir = TemporaryDirectory()
        let path = dir.file("b\(bitpix).fits")
        var header = FITSHeader()
        if bitpix > 0 {
            header.set("BSCALE", .real(bitpix == 8 ? 1 : 0.5))
            header.set("BZERO", .real(bitpix == 8 ? 0 : 3))
            header.set("BLANK", .integer(bitpix == 8 ? 255 : -99))
        }
        var cube = PixelArray<Double>(shape: [11, 7, 2, 5], repeating: 0)
        for i in cube.values.indices { cube.values[i] = Double((i * 37) % 200) * (bitpix > 0 && bitpix != 8 ? 0.5 : 1) + (bitpix == 8 ? 0 : 3) }
        cube.values[13] = .nan
        let out = try FITSFile.create(path)
        try out.writeImage(cube, bitpix: bitpix, header: header)
        try out.commit()
        let file = try FITSFile.open(path)
        #expect(file.mappedReader() != nil)
        for (lower, upper) in [([0, 0, 0, 0], [11, 7, 2, 5]), ([3, 2, 1, 1], [9, 6, 2, 4]), ([10, 6, 0, 4], [11, 7, 1, 5])] {
            let fast = try file.readPixels(lower: lower, upper: upper, as: Double.self)
            let slow: PixelArray<Double> = try file.readPixelsThroughCFITSIO(lower: lower, upper: upper, blockShape: zip(lower, upper).map { $1 - $0 })
            #expect(fast == slow, "BITPIX \(bitpix) window \(lower)..<\(upper)")
            let asFloat = try file.readPixels(lower: lower, upper: upper, as: Float.self)
            #expect(zip(asFloat.values, slow.values).allSatisfy { Double($0) == $1 || ($0.isNaN && $1.isNaN) })
        }
        #expect(try file.readImage(as: Double.self).values[13].isNaN)
    }

    @Test func anUncommittedFileLeavesNothingBehind() throws {
        let dir = TemporaryDirectory()
        do {
            let out = try FITSFile.create(dir.file("never.fits"))
            try out.writeImage(Self.cube([3, 3]))
            #expect(dir.listing().count == 1)   // the temporary file, under a hidden name
            #expect(dir.listing().first?.hasPrefix(".never.fits.tmp-") == true)
        }
        #expect(dir.listing().isEmpty)
    }
}
