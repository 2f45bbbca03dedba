import Foundation
import Testing
@testable import Astro

/// The cutter's fast path (header patched from a per-cube template, pixels copied as
/// stored) against writing every cutout through cfitsio: the same bytes, for float and
/// scaled-integer cubes, with and without OBJECT, long cards, clipped boxes and Source_IDs
/// too long for one card; and the staged batch that puts files in place.
@Suite struct ImagingCutoutFastPathTests {
    let directory: TemporaryDirectory
    let cube: String
    let weights: String
    let header: FITSHeader
    let pixels: [Float]
    let shape: [Int]
    let wcs: CelestialWCS

    init() throws {
        directory = TemporaryDirectory("cutout-fast")
        var p = SurveyParameters()
        p.fields = 1; p.epochs = 1; p.beams = 1; p.channels = 5; p.sources = 3; p.npix = 40
        let sim = try SurveySimulator(p)
        try sim.write(to: directory.file("survey"))
        let field = sim.layout.fields[0].name
        cube = directory.file("survey/" + SurveySimulator.Paths.cube(epoch: 0, field: field, stokes: "q", beam: 0))
        weights = directory.file("survey/" + SurveySimulator.Paths.weights(epoch: 0, field: field, stokes: "q", beam: 0))
        let file = try FITSFile.open(cube)
        header = try file.readHeader()
        let image = try file.readImage(as: Float.self)
        pixels = image.values
        shape = image.shape
        wcs = try CelestialWCS(header: header)
    }

    func requests() throws -> [CutoutRequest] {
        let spots: [(String, Double, Double)] = [
            ("RACS_1230-31A_1", 20, 20), ("RACS_1230-31A_2", 1.5, 37.5), ("RACS_1230-31A_3", 30, 8),
            ("RACS_1230-31A_" + String(repeating: "9", count: 60), 12, 25),   // OBJECT needs a CONTINUE card
        ]
        return try spots.map { id, x, y in
            let sky = try #require(wcs.sky(x: x, y: y))
            return CutoutRequest(sourceID: id, components: [CutoutComponent(ra: sky.ra, dec: sky.dec, majorAxisArcsec: 20)])
        }
    }

    /// Cuts `cube` both ways and expects byte-identical files; returns the fast outcomes.
    @discardableResult
    func expectSameBytes(cube: String, label: String,
                         fast: CubeCutter = CubeCutter(contentDigest: { Data($0).base64EncodedString() })) throws -> [CutoutOutcome] {
        var slow = CubeCutter()
        slow.allowsRawCopy = false
        let viaCFITSIO = try slow.cut(cube: cube, weights: weights, requests: try requests(), outputDirectory: directory.file("\(label)-cfitsio"))
        let viaTemplate = try fast.cut(cube: cube, weights: weights, requests: try requests(), outputDirectory: directory.file("\(label)-fast"))
        #expect(viaCFITSIO.count == viaTemplate.count)
        for (a, b) in zip(viaCFITSIO, viaTemplate) {
            let pa = try #require(a.product, "\(label): \(a)"), pb = try #require(b.product, "\(label): \(b)")
            #expect(pa.box == pb.box)
            let bytesA = try Data(contentsOf: URL(fileURLWithPath: pa.image))
            let bytesB = try Data(contentsOf: URL(fileURLWithPath: pb.image))
            #expect(bytesA == bytesB, "\(label) \(pa.sourceID): the fast path wrote different bytes")
            if pb.sourceID.count <= 60 {
                #expect(pb.imageDigest == bytesB.base64EncodedString(), "\(label) \(pb.sourceID): digest not of the file's bytes")
            } else {
                #expect(pb.imageDigest == nil, "a Source_ID longer than one card goes through cfitsio")
            }
            let w = try Data(contentsOf: URL(fileURLWithPath: try #require(pb.weights)))
            #expect(pb.weightsDigest == w.base64EncodedString())
        }
        return viaTemplate
    }

    @Test func theFastPathWritesWhatCFITSIOWrites() throws {
        let outcomes = try expectSameBytes(cube: cube, label: "float")
        let corner = try #require(outcomes[1].product)
        #expect(corner.box.x.lowerBound == 0 && corner.box.y.upperBound == 40, "the corner island is clipped: \(corner.box)")
    }

    @Test func cubesWithoutObjectWithLongCardsOrOtherBITPIXToo() throws {
        var plain = header
        plain.remove("OBJECT")
        plain.set("LONGNOTE", .string(String(repeating: "long text ", count: 12)), comment: "over several cards")
        plain.addComment("a comment card")
        let noObject = directory.file("no-object.fits")
        let f = try FITSFile.create(noObject)
        try f.writeImage(PixelArray(shape: shape, values: pixels), bitpix: -32, header: plain)
        try f.commit()
        try expectSameBytes(cube: noObject, label: "no-object")

        let double = directory.file("double.fits")
        let d = try FITSFile.create(double)
        try d.writeImage(PixelArray(shape: shape, values: pixels.map(Double.init)), bitpix: -64, header: header)
        try d.commit()
        try expectSameBytes(cube: double, label: "double")

        var scaled = header
        scaled.set("BSCALE", .real(1e-5))
        scaled.set("BZERO", .real(0.01))
        scaled.set("BLANK", .integer(-32768))
        let integers = directory.file("int16.fits")
        let i = try FITSFile.create(integers)
        var values = pixels.map { Double(max(-0.3, min(0.3, $0))) }
        values[7] = .nan
        try i.writeImage(PixelArray(shape: shape, values: values), bitpix: 16, header: scaled)
        try i.commit()
        try expectSameBytes(cube: integers, label: "int16")
    }

    /// Issue 25: a memory budget far below the cutouts' total (a band per island, reads split
    /// into one-page buffers), gaps skipped or read through: the same bytes.
    @Test(arguments: [(20_000, 0), (20_000, 1 << 20), (300_000, 4096)])
    func bandsAndSmallBuffersWriteTheSameBytes(budget: Int, gap: Int) throws {
        var fast = CubeCutter(contentDigest: { Data($0).base64EncodedString() })
        fast.memoryBudget = budget
        fast.mergeGap = gap
        try expectSameBytes(cube: cube, label: "budget-\(budget)-\(gap)", fast: fast)
    }

    /// A beam's cubes in one call (one reader from cube to cube), in small bands: each
    /// cube's cutouts are those of cutting it alone through cfitsio.
    @Test func severalCubesInOneCallAreEachCutAsAlone() throws {
        let other = cube.replacingOccurrences(of: ".q.", with: ".u.")
        var fast = CubeCutter()
        fast.memoryBudget = 40_000
        var slow = CubeCutter()
        slow.allowsRawCopy = false
        let staged = StagedFiles()
        let jobs = [CutoutJob(cube: cube, weights: weights, requests: try requests()),
                    CutoutJob(cube: other, weights: nil, requests: try requests())]
        let both = try fast.stage(jobs, outputDirectory: directory.file("jobs-fast"), into: staged)
        #expect(staged.commit().isEmpty)
        for (job, cut) in zip(jobs, both) {
            let alone = try slow.cut(cube: job.cube, weights: job.weights, requests: job.requests,
                                     outputDirectory: directory.file("jobs-cfitsio"))
            for (a, b) in zip(alone, cut.outcomes) {
                let pa = try #require(a.product), pb = try #require(b.product)
                #expect(try Data(contentsOf: URL(fileURLWithPath: pa.image)) == Data(contentsOf: URL(fileURLWithPath: pb.image)),
                        "\(pb.image)")
                #expect((pb.weights == nil) == (job.weights == nil))
            }
        }
    }

    @Test func stagedFilesAppearOnlyOnCommitAndVanishWhenDropped() throws {
        let dir = directory.file("staged")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let visible = { (try? FileManager.default.contentsOfDirectory(atPath: dir).filter { !$0.hasPrefix(".") }.sorted()) ?? [] }
        let hidden = { (try? FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".") }) ?? [] }
        do {
            let batch = StagedFiles()
            let g = batch.newGroup()
            try batch.write(Array("abc".utf8), to: "\(dir)/a.txt", group: g)
            #expect(visible() == [] && hidden().count == 1, "staged, not visible")
        }
        #expect(hidden() == [], "a batch dropped uncommitted leaves nothing")

        let batch = StagedFiles()
        let one = batch.newGroup(), two = batch.newGroup(), three = batch.newGroup()
        try batch.write(Array("1w".utf8), to: "\(dir)/one.txt", group: one)
        try batch.write(Array("1".utf8), to: "\(dir)/one.fits", group: one)
        try batch.write(Array("2".utf8), to: "\(dir)/two.fits", group: two)
        try batch.write(Array("3w".utf8), to: "\(dir)/three.txt", group: three)
        try FileManager.default.createDirectory(atPath: "\(dir)/three.fits/in-the-way", withIntermediateDirectories: true)
        try batch.write(Array("3".utf8), to: "\(dir)/three.fits", group: three)   // cannot replace a directory
        batch.discard(group: two)
        #expect(visible() == ["three.fits"])
        let failures = batch.commit()
        #expect(Set(failures.keys) == [three], "\(failures)")
        #expect(visible() == ["one.fits", "one.txt", "three.fits"], "a group appears whole or not at all")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/three.txt"))
        #expect(hidden() == [], "no temporary file is left")
        #expect(try String(contentsOfFile: "\(dir)/one.fits", encoding: .utf8) == "1")
    }
}
