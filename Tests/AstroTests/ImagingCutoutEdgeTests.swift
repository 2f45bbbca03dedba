import Foundation
import Testing
@testable import Astro

/// Cutouts at the edges: islands off the image, boxes clipped by the image edge, the
/// weights file copied or not, on one simulated 32 x 32 pixel beam cube.
@Suite struct ImagingCutoutEdgeTests {
    let directory: TemporaryDirectory
    let cube: String
    let weights: String
    let wcs: CelestialWCS
    let npix = 32

    init() throws {
        directory = TemporaryDirectory("cutout-edge")
        var p = SurveyParameters()
        p.fields = 1; p.epochs = 1; p.beams = 1; p.channels = 4; p.sources = 2; p.npix = npix
        let sim = try SurveySimulator(p)
        try sim.write(to: directory.file("survey"))
        let field = sim.layout.fields[0].name
        cube = directory.file("survey/" + SurveySimulator.Paths.cube(epoch: 0, field: field, stokes: "i", beam: 0))
        weights = directory.file("survey/" + SurveySimulator.Paths.weights(epoch: 0, field: field, stokes: "i", beam: 0))
        wcs = try CelestialWCS(header: try FITSFile.open(cube).readHeader())
    }

    /// An island with one point component at 0-based pixel (x, y) of the cube.
    func island(_ id: String, x: Double, y: Double) throws -> CutoutRequest {
        let sky = try #require(wcs.sky(x: x, y: y))
        return CutoutRequest(sourceID: id, components: [CutoutComponent(ra: sky.ra, dec: sky.dec, majorAxisArcsec: 30)])
    }

    var cutouts: String { directory.file("cutouts") }

    @Test func anIslandThatCannotBeCutIsReportedWithItsIDAndWhy() throws {
        let centre = try #require(wcs.sky(x: 16, y: 16))
        let requests = [
            try island("inside", x: 16, y: 16),
            try island("east_of_the_image", x: 200, y: 16),
            CutoutRequest(sourceID: "far_side_of_the_sky",
                          components: [CutoutComponent(ra: centre.ra + 180, dec: -centre.dec, majorAxisArcsec: 30)]),
            CutoutRequest(sourceID: "no_components", components: []),
            try island("also_inside", x: 20, y: 12),
        ]
        let outcomes = try CubeCutter().cut(cube: cube, weights: weights, requests: requests, outputDirectory: cutouts)
        #expect(outcomes.map(\.sourceID) == requests.map(\.sourceID), "one outcome per island, in order")
        #expect(outcomes[0].product != nil && outcomes[4].product != nil, "the other islands are still cut")

        guard case .failed(let id, .offImage(let box, let width, let height)) = outcomes[1] else {
            Issue.record("east_of_the_image: \(outcomes[1])"); return
        }
        #expect(id == "east_of_the_image" && width == npix && height == npix)
        #expect(box.x.lowerBound >= npix, "the unclipped box \(box) lies east of the image")
        #expect(CutoutFailure.offImage(box: box, width: width, height: height).description
                == "the cutout box (\(box)) does not overlap the 32 x 32 image")
        guard case .failed("far_side_of_the_sky", .notProjectable) = outcomes[2] else {
            Issue.record("far_side_of_the_sky: \(outcomes[2])"); return
        }
        #expect(outcomes[3] == .failed(sourceID: "no_components", reason: .noComponents))
        for id in ["east_of_the_image", "far_side_of_the_sky", "no_components"] {
            #expect(!FileManager.default.fileExists(atPath: "\(cutouts)/\(id)"), "\(id): something was written")
        }
    }

    @Test func aBoxAtTheImageEdgeIsClippedAndKeepsItsWCS() throws {
        let request = try island("corner", x: 1.3, y: 30.2)
        let planner = try CutoutPlanner(header: try FITSFile.open(cube).readHeader(), path: cube)
        let unclipped = try planner.unclippedBox(for: request).get()
        #expect(unclipped.x.lowerBound < 0 && unclipped.y.upperBound > npix, "the box \(unclipped) reaches past the corner")
        let expected = CutoutBox(x: 0..<unclipped.x.upperBound, y: unclipped.y.lowerBound..<npix)
        #expect(unclipped.clipped(width: npix, height: npix) == expected)

        let outcome = try CubeCutter().cut(cube: cube, weights: weights, requests: [request], outputDirectory: cutouts)[0]
        let product = try #require(outcome.product, "\(outcome)")
        #expect(product.box == expected)
        let file = try FITSFile.open(product.image)
        let header = try file.readHeader()
        let pixels = try file.readImage(as: Float.self)
        #expect(pixels.shape == [expected.width, expected.height, 1, 4])
        #expect(pixels.values == (try FITSFile.open(cube).readWindow(x: expected.x, y: expected.y, as: Float.self).values))
        #expect(header.string("OBJECT") == "corner")
        let sky = try #require(wcs.sky(x: 1.3, y: 30.2))
        let inCutout = try #require(try CelestialWCS(header: header).pixel(ra: sky.ra, dec: sky.dec))
        #expect(abs(inCutout.x - 1.3) < 1e-6 && abs(inCutout.y - (30.2 - Double(expected.y.lowerBound))) < 1e-6,
                "the component is at \(inCutout) in the cutout")
    }

    @Test func theWeightsFileIsCopiedBesideEachCutoutOrNotAtAll() throws {
        let requests = [try island("a", x: 10, y: 10), try island("b", x: 22, y: 20)]
        let original = try Data(contentsOf: URL(fileURLWithPath: weights))
        for outcome in try CubeCutter().cut(cube: cube, weights: weights, requests: requests, outputDirectory: cutouts) {
            let product = try #require(outcome.product)
            let copy = try #require(product.weights)
            #expect(copy == "\(cutouts)/\(product.sourceID)/\(product.sourceID).cutout.\((weights as NSString).lastPathComponent)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == original)
            #expect(try ChannelWeights.read(copy).weights.count == 4)
        }

        let unweighted = directory.file("unweighted")
        let outcome = try CubeCutter().cut(cube: cube, weights: nil, requests: [requests[0]], outputDirectory: unweighted)[0]
        #expect(outcome.product?.weights == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(unweighted)/a").filter { $0.hasSuffix(".txt") } == [])

        let missing = directory.file("no-such-weights.txt")
        let elsewhere = directory.file("missing-weights")
        #expect(throws: ImagingError.self) {
            try CubeCutter().cut(cube: cube, weights: missing, requests: requests, outputDirectory: elsewhere)
        }
        do {
            _ = try CubeCutter().cut(cube: cube, weights: missing, requests: requests, outputDirectory: elsewhere)
        } catch {
            guard case .badWeights(let path, _, _) = error else { Issue.record("\(error)"); return }
            #expect(path == missing)
        }
        #expect(!FileManager.default.fileExists(atPath: elsewhere), "nothing is cut without the weights named")
    }
}
