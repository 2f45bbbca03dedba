import Foundation
import Testing
@testable import Astro

/// Issue 5, acceptance 3: cutout headers, read back by astropy.
@Suite struct ImagingCutoutHeaderTests {
    /// Cards a cutout may change: its size, its reference pixel, and OBJECT.
    static let changed: Set<String> = ["NAXIS1", "NAXIS2", "CRPIX1", "CRPIX2", "OBJECT"]

    /// Every cutout of a simulated field (I, Q and U, every beam, islands clipped at the image
    /// edge included), opened with astropy next to its parent cube:
    /// - each component's sky position lands on the same pixel of the parent as on the
    ///   cutout plus the cutout's offset, to 0.01 pixel;
    /// - every card of the parent is kept, in order and with its value, except NAXIS1/2,
    ///   CRPIX1/2 (shifted by the offset) and OBJECT (the island's Source_ID);
    /// - the pixels are the parent's, through every plane.
    @Test func cutoutsKeepTheParentsWCSAndCards() throws {
        try #require(Astropy.unavailable == nil, "\(Astropy.unavailable ?? ""): \(Astropy.installHint)")
        let run = try ImagingPipelineRun { $0.sources = 24; $0.channels = 8; $0.beams = 4; $0.seed = 9 }
        var pairs: [AstropyCutouts.Pair] = []
        var owners: [String] = []
        for island in run.islands {
            let world = island.components.map { (run.simulator.sky.components[$0].ra, run.simulator.sky.components[$0].dec) }
            for stokes in ["i", "q", "u"] {
                for cutout in island.cutouts[stokes] ?? [] {
                    pairs.append(AstropyCutouts.Pair(cutout: cutout.product.image,
                                                     parent: run.cubePath(stokes: stokes, beam: cutout.beam),
                                                     box: (cutout.product.box.x.lowerBound, cutout.product.box.y.lowerBound),
                                                     world: world))
                    owners.append(island.sourceID)
                }
            }
        }
        let readings = try AstropyCutouts.read(pairs)
        #expect(readings.count == pairs.count)
        var clippedAtEdge = 0
        for (pair, (reading, sourceID)) in zip(pairs, zip(readings, owners)) {
            let name = (pair.cutout as NSString).lastPathComponent
            for (c, p) in zip(reading.cutout_pixels, reading.parent_pixels) {
                let cut = try #require(c, "\(name): astropy cannot place a component in the cutout")
                let parent = try #require(p, "\(name): astropy cannot place a component in the parent")
                #expect(abs(cut[0] + Double(pair.box.x) - parent[0]) < 0.01 && abs(cut[1] + Double(pair.box.y) - parent[1]) < 0.01,
                        "\(name): cutout pixel \(cut) + offset (\(pair.box.x), \(pair.box.y)) vs parent pixel \(parent)")
            }
            let cards = Dictionary(reading.cutout_cards.map { ($0[0], $0[1]) }, uniquingKeysWith: { a, _ in a })
            let parentCards = Dictionary(reading.parent_cards.map { ($0[0], $0[1]) }, uniquingKeysWith: { a, _ in a })
            #expect(reading.cutout_cards.filter { !Self.changed.contains($0[0]) } == reading.parent_cards.filter { !Self.changed.contains($0[0]) },
                    "\(name): cards other than \(Self.changed.sorted()) differ from the parent's")
            #expect(cards["OBJECT"] == sourceID, "\(name): OBJECT = \(cards["OBJECT"] ?? "missing")")
            #expect(cards["NAXIS1"] == String(reading.cutout_shape[0]) && cards["NAXIS2"] == String(reading.cutout_shape[1]))
            for (axis, offset) in [("CRPIX1", pair.box.x), ("CRPIX2", pair.box.y)] {
                let shifted = try #require(cards[axis].flatMap(Double.init)), original = try #require(parentCards[axis].flatMap(Double.init))
                #expect(shifted == original - Double(offset), "\(name): \(axis) \(shifted), parent \(original), offset \(offset)")
            }
            #expect(reading.data_equal, "\(name): pixels differ from the parent's window")
            let parentSize = try #require(parentCards["NAXIS1"].flatMap(Int.init))
            if pair.box.x == 0 || pair.box.y == 0 || pair.box.x + reading.cutout_shape[0] == parentSize
                || pair.box.y + reading.cutout_shape[1] == parentSize {
                clippedAtEdge += 1
            }
        }
        #expect(pairs.count >= 100, "only \(pairs.count) cutouts")
        #expect(clippedAtEdge >= 3, "too few cutouts clipped at an image edge to test the edge")
    }
}
