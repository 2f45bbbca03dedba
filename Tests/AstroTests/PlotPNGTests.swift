import Foundation
import XCTest
@testable import Astro

/// The PNG writer, checked by an independent decoder (Python's zlib and struct).
final class PlotPNGTests: XCTestCase {
    func roundTrip(_ image: PNGImage, file: StaticString = #filePath, line: UInt = #line) throws -> PNGDecoder.Decoded {
        let dir = TemporaryDirectory("png")
        let path = dir.file("image.png")
        try image.write(to: path)
        let decoded = try PNGDecoder.decode(path)
        XCTAssertEqual(decoded.width, image.width, file: file, line: line)
        XCTAssertEqual(decoded.height, image.height, file: file, line: line)
        XCTAssertEqual(decoded.colourType, image.format == .rgb ? 2 : 6, file: file, line: line)
        XCTAssertEqual(decoded.chunks, ["IHDR", "IDAT", "IEND"], file: file, line: line)
        XCTAssertTrue(decoded.samples == image.samples, "decoded samples differ from those written", file: file, line: line)
        XCTAssertEqual(dir.listing(), ["image.png"], "no temporary left beside the file", file: file, line: line)
        return decoded
    }

    /// Noise (literals), repeats at many distances and long runs (matches up to 258 bytes).
    func testMixedContentDecodesToTheSameSamplesInRGBAndRGBA() throws {
        var state: UInt64 = 12345
        func next() -> UInt8 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        for format in [PNGImage.Format.rgb, .rgba] {
            let (w, h) = (173, 61)
            let channels = format == .rgb ? 3 : 4
            var samples = [UInt8](repeating: 255, count: w * h * channels)
            for y in 0..<h {
                for x in 0..<w {
                    let i = (y * w + x) * channels
                    switch y % 4 {
                    case 0: for c in 0..<channels { samples[i + c] = next() }        // noise
                    case 1: for c in 0..<channels { samples[i + c] = UInt8((x / 7 + c) % 5 * 40) }  // short repeats
                    case 2: break                                                    // white run
                    default: if x > 0 { for c in 0..<channels { samples[i + c] = samples[i - w * channels * 3 + c] } }
                    }
                }
            }
            _ = try roundTrip(PNGImage(width: w, height: h, format: format, samples: samples))
        }
    }

    func testAFlatImageCompressesAndOnePixelKeepsItsColour() throws {
        var r = Raster(width: 400, height: 300)
        r.plot(123, 45, Colour(10, 200, 30))
        let image = r.png()
        XCTAssertEqual(image.format, .rgb, "opaque pixels make an RGB file")
        XCTAssertLessThan(image.encoded().count, 400 * 300 * 3 / 50, "a flat image is long runs")
        let d = try roundTrip(image)
        XCTAssertEqual(d.rgb(123, 45), [10, 200, 30])
        XCTAssertEqual(d.rgb(124, 45), [255, 255, 255])
        XCTAssertEqual(d.rgb(0, 0), [255, 255, 255])
    }

    func testChecksumsMatchTheirStandardValues() {
        XCTAssertEqual(Checksums.crc32(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(Checksums.adler32(Array("Wikipedia".utf8)), 0x11E6_0398)
        XCTAssertEqual(Checksums.adler32([]), 1)
    }
}
