import Foundation
import XCTest
@testable import Astro

/// The canvas, font, ticks, colour maps and the data-to-pixel mapping of plots.
final class PlotDrawingTests: XCTestCase {
    func testRasterShapesLandOnTheirPixelsAndClipAtTheEdges() {
        var r = Raster(width: 20, height: 10)
        r.fillRect(x0: 2, y0: 3, x1: 4, y1: 5, .red)
        XCTAssertEqual(r[2, 3], .red); XCTAssertEqual(r[4, 5], .red)
        XCTAssertEqual(r[5, 5], .white); XCTAssertEqual(r[4, 6], .white)
        r.line(0, 9, 19, 9, .blue)
        XCTAssertEqual((0..<20).filter { r[$0, 9] == .blue }.count, 20)
        r.fillCircle(15, 4, radius: 2, .black)
        XCTAssertEqual(r[15, 4], .black); XCTAssertEqual(r[17, 4], .black); XCTAssertEqual(r[17, 6], .white)
        r.fillRect(x0: -5, y0: -5, x1: 30, y1: 0, .orange)     // off the canvas: clipped, no crash
        r.fillCircle(-50, -50, radius: 3, .black)
        r.line(-1e9, 5, 1e9, 5, .grey)
        XCTAssertEqual(r[19, 0], .orange)
        XCTAssertEqual(r[10, 5], .grey)
        r.plot(10, 5, Colour(0, 0, 0, 128))                    // half-transparent black over grey
        XCTAssertEqual(r[10, 5].r, 64)
    }

    func testEveryPrintableCharacterHasItsOwnGlyphAndTextHasItsWidth() {
        var glyphs = Set<[UInt8]>()
        for v in 33..<127 {
            let g = BitmapFont.glyph(Character(UnicodeScalar(UInt8(v))))
            XCTAssertEqual(g.count, 7)
            XCTAssertTrue(g.contains { $0 != 0 }, "'\(UnicodeScalar(UInt8(v)))' draws nothing")
            XCTAssertTrue(g.allSatisfy { $0 < 32 }, "five columns")
            glyphs.insert(g)
        }
        XCTAssertEqual(glyphs.count, 94, "two characters share a glyph")
        XCTAssertEqual(BitmapFont.glyph("\u{2603}"), BitmapFont.glyph("?"))

        var r = Raster(width: 40, height: 12)
        r.text("I", x: 10, y: 2, .black)
        // 'I' is 0E 04 04 ...: the top row spans columns 1..3 of the glyph.
        XCTAssertEqual((0..<40).filter { r[$0, 2] == .black }, [11, 12, 13])
        XCTAssertEqual((0..<40).filter { r[$0, 5] == .black }, [12])
        XCTAssertEqual(BitmapFont.width("RA (deg)", scale: 2), (8 * 6 - 1) * 2)
        var descender = Raster(width: 12, height: 12)
        descender.text("ag", x: 0, y: 0)
        let rowsOf = { (x0: Int) in (0..<12).filter { y in (x0..<(x0 + 5)).contains { descender[$0, y] == .black } } }
        XCTAssertEqual(rowsOf(0).max(), 6, "'a' sits on the baseline (row 6)")
        XCTAssertEqual(rowsOf(6).max(), 7, "'g' reaches below it")
        var right = Raster(width: 40, height: 12)
        right.text("M", x: 30, y: 0, anchor: .right)
        XCTAssertEqual((0..<40).filter { right[$0, 0] == .black }, [25, 29], "right-anchored text ends just before x")
    }

    func testTicksAreRoundNumbersInsideTheRange() {
        XCTAssertEqual(NiceTicks.ticks(low: 0, high: 10).values, [0, 2, 4, 6, 8, 10])
        let t = NiceTicks.ticks(low: -0.013, high: 0.041)
        XCTAssertEqual(t.step, 0.01, accuracy: 1e-15)
        XCTAssertEqual(t.values.count, 6)
        XCTAssertEqual(t.values.first!, -0.01, accuracy: 1e-12)
        XCTAssertEqual(NiceTicks.label(0.02, step: t.step), "0.02")
        XCTAssertEqual(NiceTicks.label(150, step: 50), "150")
        XCTAssertTrue(NiceTicks.ticks(low: 1, high: 1).values.isEmpty)
    }

    func testColourMapsRunFromEndToEndAndDivergingScalesCentreOnZero() {
        XCTAssertEqual(ColourMap.viridis.colour(at: 0), Colour(68, 1, 84))
        XCTAssertEqual(ColourMap.viridis.colour(at: 1), Colour(253, 231, 37))
        XCTAssertEqual(ColourMap.viridis.colour(at: 7), Colour(253, 231, 37), "clamped")
        XCTAssertEqual(ColourMap.viridis.colour(at: .nan), .grey)
        XCTAssertEqual(ColourMap.blueWhiteRed.colour(at: 0.5), Colour(247, 247, 247))
        let s = ColourScale(map: .blueWhiteRed, values: [-1, 0.2, 3], label: "Q/I", symmetric: true)
        XCTAssertEqual(s.low, -s.high)
        XCTAssertEqual(s.colour(0), Colour(247, 247, 247))
        XCTAssertEqual(s.colour(s.high), Colour(178, 24, 43))
    }

    /// A point at a known data position is drawn at the pixel the frame maps it to; right
    /// ascension increases to the left.
    func testScatterPointsLandWhereTheAxesSay() throws {
        let x = PlotAxis(label: "RA (deg)", low: 10, high: 20, reversed: true)
        let y = PlotAxis(label: "Dec (deg)", low: -5, high: 5)
        let plot = ScatterPlot(title: "t", x: x, y: y, points: [
            ScatterPoint(x: 12.7, y: 3.3, colour: .red, radius: 4),
            ScatterPoint(x: 17.3, y: -3.3, colour: .blue, radius: 4),
        ])
        let image = plot.image()
        let figure = Figure(title: "t", x: x, y: y)
        let f = figure.frame
        XCTAssertGreaterThan(f.px(12), f.px(18), "RA 12 is right of RA 18")
        XCTAssertLessThan(f.py(4), f.py(-4), "Dec 4 is above Dec -4")
        let dir = TemporaryDirectory("plot")
        try image.write(to: dir.file("scatter.png"))
        let d = try PNGDecoder.decode(dir.file("scatter.png"))
        // Markers are drawn slightly translucent (alpha 210) over the white background.
        func overWhite(_ c: Colour) -> [UInt8] {
            var one = Raster(width: 1, height: 1)
            one.plot(0, 0, c.with(alpha: 210))
            return [one[0, 0].r, one[0, 0].g, one[0, 0].b]
        }
        XCTAssertEqual(d.rgb(Int(f.px(12.7).rounded()), Int(f.py(3.3).rounded())), overWhite(.red))
        XCTAssertEqual(d.rgb(Int(f.px(17.3).rounded()), Int(f.py(-3.3).rounded())), overWhite(.blue))
        XCTAssertEqual(d.rgb(Int(f.px(17.3).rounded()), Int(f.py(3.3).rounded())), [255, 255, 255], "nothing at (17.3, 3.3)")
        XCTAssertEqual(d.rgb(Int(f.px(15).rounded()), Int(f.py(0.5).rounded())), [255, 255, 255], "empty data area is white")
        XCTAssertEqual(d.rgb(f.left, (f.top + f.bottom) / 2), [0, 0, 0], "the frame")
    }

    func testHistogramCountsAndBarHeights() throws {
        let h = HistogramPlot(title: "h", label: "v", values: [0, 0.1, 0.2, 0.9, 1, .nan], bins: 2)
        XCTAssertEqual(h.counts, [3, 2])
        XCTAssertEqual(h.edges, [0, 0.5, 1])
        let dir = TemporaryDirectory("plot")
        try h.image().write(to: dir.file("h.png"))
        let d = try PNGDecoder.decode(dir.file("h.png"))
        let f = Figure(title: "h", x: PlotAxis(label: "v", low: 0, high: 1), y: PlotAxis(label: "count", low: 0, high: 3.3)).frame
        let inFirst = Int(f.px(0.25).rounded()), inSecond = Int(f.px(0.75).rounded())
        XCTAssertEqual(d.rgb(inFirst, Int(f.py(2.5).rounded())), [31, 119, 180], "bar 1 reaches 3")
        XCTAssertEqual(d.rgb(inSecond, Int(f.py(1.5).rounded())), [31, 119, 180], "bar 2 reaches 2")
        XCTAssertNotEqual(d.rgb(inSecond, Int(f.py(2.5).rounded())), [31, 119, 180], "but not 3")
    }

    func testComparisonPlotDrawsTheOneToOneLineAndErrorBars() throws {
        let plot = ComparisonPlot(title: "c", xLabel: "in", yLabel: "out", x: [0, 10], y: [0, 10], yError: [0, 2])
        let dir = TemporaryDirectory("plot")
        try plot.image().write(to: dir.file("c.png"))
        let d = try PNGDecoder.decode(dir.file("c.png"))
        let range = PlotAxis(label: "", covering: [0, 0, 10, 10])
        let f = Figure(title: "c", x: PlotAxis(label: "in", low: range.low, high: range.high),
                       y: PlotAxis(label: "out", low: range.low, high: range.high)).frame
        XCTAssertEqual(d.rgb(Int(f.px(5).rounded()), Int(f.py(5).rounded())), [128, 128, 128], "1:1 line through (5, 5)")
        XCTAssertEqual(d.rgb(Int(f.px(10).rounded()), Int(f.py(8.5).rounded())), [0, 0, 0], "error bar below (10, 10)")
        XCTAssertEqual(d.rgb(Int(f.px(0).rounded()), Int(f.py(2).rounded())) == [0, 0, 0], false, "no bar without an error")
    }

    func testBinnedMapColoursEachCellByItsClippedMedian() throws {
        let map = BinnedSkyMap(title: "b", label: "v", ra: [0, 0.5, 1, 2, 10, .nan], dec: [0, 1, 0.5, 2, 10, 5],
                               values: [1, 2, 3, 100, -5, 7], bins: 2)
        XCTAssertEqual(map.raEdges, [0, 5, 10])
        XCTAssertEqual(map.medians[0][0], 2, "100 is clipped from 1, 2, 3, 100")
        XCTAssertEqual(map.medians[1][1], -5)
        XCTAssertTrue(map.medians[0][1].isNaN && map.medians[1][0].isNaN, "empty cells")
        let dir = TemporaryDirectory("plot")
        try map.image().write(to: dir.file("b.png"))
        let d = try PNGDecoder.decode(dir.file("b.png"))
        let f = Figure(title: "b", x: PlotAxis(label: "RA (deg)", low: 0, high: 10, reversed: true),
                       y: PlotAxis(label: "Dec (deg)", low: 0, high: 10), colourScale: map.scale).frame
        func rgb(_ c: Colour) -> [UInt8] { [c.r, c.g, c.b] }
        XCTAssertEqual(d.rgb(Int(f.px(2.7).rounded()), Int(f.py(2.3).rounded())), rgb(map.scale.colour(2)))
        XCTAssertEqual(d.rgb(Int(f.px(7.7).rounded()), Int(f.py(7.3).rounded())), rgb(map.scale.colour(-5)))
        XCTAssertEqual(d.rgb(Int(f.px(7.7).rounded()), Int(f.py(2.3).rounded())), [255, 255, 255])
        XCTAssertLessThan(f.px(7.7), f.px(2.7), "RA increases to the left")
    }
}
