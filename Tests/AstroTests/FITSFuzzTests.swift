import Foundation
import Testing
@testable import Astro

/// Thousands of damaged FITS files (numeric cards set to 0, -1, 2^31, 2^63-1, 1e300, NaN or
/// text; cards deleted or duplicated; END removed; files truncated at a random byte; random
/// bit flips) through what `fits header`, `fits windows`, `fits wcs` and a cutout do. Nothing
/// may crash the process; every failure is an error that names the file, on one line.
/// (FITSFuzzCLITests runs a sample through the binary itself.)
@Suite struct FITSFuzzTests {
    static let seed: UInt64 = 0x4649_5453_4655_5A5A   // "FITSFUZZ"
    static let cases = 3000

    /// A small beam cube of the simulator (RA, DEC, STOKES, FREQ; BMAJ; SIN) and its weights.
    static func seedFiles(_ directory: TemporaryDirectory) throws -> (cube: String, weights: String, bytes: [UInt8]) {
        var p = SurveyParameters()
        p.fields = 1; p.epochs = 1; p.beams = 1; p.channels = 3; p.sources = 2; p.npix = 24
        let sim = try SurveySimulator(p)
        try sim.write(to: directory.file("survey"))
        let field = sim.layout.fields[0].name
        let cube = directory.file("survey/" + SurveySimulator.Paths.cube(epoch: 0, field: field, stokes: "i", beam: 0))
        let weights = directory.file("survey/" + SurveySimulator.Paths.weights(epoch: 0, field: field, stokes: "i", beam: 0))
        return (cube, weights, [UInt8](try Data(contentsOf: URL(fileURLWithPath: cube))))
    }

    /// One random damage of `bytes`, and what it was.
    static func mutate(_ bytes: [UInt8], _ rng: inout SplitMixRandom) -> ([UInt8], String) {
        var out = bytes
        let headerEnd = Self.headerEnd(bytes)
        let records = headerEnd / 80
        switch rng.next() % 7 {
        case 0, 1:
            // A numeric card's value.
            let numeric = (0..<records).filter { r in
                let card = String(decoding: out[r * 80..<r * 80 + 80], as: UTF8.self)
                guard card.dropFirst(8).hasPrefix("= ") else { return false }
                let value = card.dropFirst(10).split(separator: "/").first?.trimmingCharacters(in: .whitespaces) ?? ""
                return Double(value) != nil
            }
            guard let r = numeric.randomElement(using: &rng) else { return (out, "nothing") }
            let values = ["0", "-1", "2147483648", "9223372036854775807", "-9223372036854775808", "1E300", "-1E300", "NaN",
                          "'text'", "99999999999999999999999", "1.5", "-0.0", ""]
            let value = values.randomElement(using: &rng)!
            let key = String(decoding: out[r * 80..<r * 80 + 8], as: UTF8.self)
            let card = Array((key + "= " + String(repeating: " ", count: max(0, 20 - value.count)) + value).utf8.prefix(80))
            for i in 0..<80 { out[r * 80 + i] = i < card.count ? card[i] : 32 }
            return (out, "\(key.trimmingCharacters(in: .whitespaces)) = \(value)")
        case 2:
            // A card deleted (the rest moves up; a blank card fills the end).
            let r = Int(rng.next() % UInt64(max(1, records - 1)))
            out.removeSubrange(r * 80..<r * 80 + 80)
            out.insert(contentsOf: [UInt8](repeating: 32, count: 80), at: headerEnd - 80)
            return (out, "card \(r + 1) deleted")
        case 3:
            // A card duplicated over the next.
            let r = Int(rng.next() % UInt64(max(1, records - 2)))
            for i in 0..<80 { out[(r + 1) * 80 + i] = out[r * 80 + i] }
            return (out, "card \(r + 1) duplicated")
        case 4:
            // END removed.
            if let r = (0..<records).last(where: { out[$0 * 80..<$0 * 80 + 3] == [69, 78, 68][...] }) {
                for i in 0..<3 { out[r * 80 + i] = 32 }
            }
            return (out, "END removed")
        case 5:
            let n = Int(rng.next() % UInt64(out.count))
            return (Array(out.prefix(n)), "truncated at byte \(n)")
        default:
            var flips: [Int] = []
            for _ in 0..<(1 + Int(rng.next() % 8)) {
                let i = Int(rng.next() % UInt64(rng.next() % 2 == 0 ? headerEnd : out.count))
                out[i] ^= UInt8(1 << (rng.next() % 8))
                flips.append(i)
            }
            return (out, "bits flipped at \(flips)")
        }
    }

    static func headerEnd(_ bytes: [UInt8]) -> Int {
        var r = 0
        while (r + 1) * 80 <= bytes.count {
            if bytes[r * 80..<r * 80 + 3] == [69, 78, 68][...] { return ((r * 80) / 2880 + 1) * 2880 }
            r += 1
        }
        return min(bytes.count, 2880)
    }

    /// Every failure names the file and fits on one line.
    static func check(_ error: Error, path: String, what: String) {
        let text = "\(error)"
        #expect(text.contains(path), "\(what): the error does not name the file: \(text)")
        #expect(!text.contains("\n"), "\(what): the error is not one line: \(text)")
        #expect(text.utf8.allSatisfy { $0 >= 32 && $0 < 127 }, "\(what): unprintable bytes in: \(text)")
    }

    @Test func damagedFilesFailWithAnErrorNamingTheFileAndNeverCrash() throws {
        let directory = TemporaryDirectory("fits-fuzz")
        let (cube, weights, bytes) = try Self.seedFiles(directory)
        let wcs = try CelestialWCS(header: try FITSFile.open(cube).readHeader())
        let centre = try #require(wcs.sky(x: 12, y: 12))
        let request = CutoutRequest(sourceID: "s", components: [CutoutComponent(ra: centre.ra, dec: centre.dec, majorAxisArcsec: 30)])
        var rng = SplitMixRandom(seed: Self.seed)
        var outcomes = (opened: 0, refused: 0, cut: 0)
        let path = directory.file("damaged.fits")
        for n in 0..<Self.cases {
            let (damaged, what) = Self.mutate(bytes, &rng)
            try Data(damaged).write(to: URL(fileURLWithPath: path))
            let label = "case \(n) (\(what))"
            // fits header
            do {
                let f = try FITSFile.open(path)
                try f.moveTo(hdu: 1)
                _ = try f.readHeader()
                _ = try f.cardImages()
                outcomes.opened += 1
                // fits windows
                if let shape = try? f.imageShape(), shape.count >= 2, shape[0] >= 4, shape[1] >= 4, shape.count < 10 {
                    do { _ = try f.readWindow(x: 0..<4, y: 0..<4, as: Float.self) } catch { Self.check(error, path: path, what: label) }
                }
            } catch {
                Self.check(error, path: path, what: label)
                outcomes.refused += 1
            }
            // fits wcs
            do {
                let w = try ImageWCS.read(path)
                _ = w.worlds([(1, 1), (12, 12), (1e9, -1e9)])
                _ = w.pixels([(centre.ra, centre.dec), (.nan, 0)])
                _ = w.summary
            } catch {
                Self.check(error, path: path, what: label)
            }
            // one cutout
            do {
                let outcome = try CubeCutter().cut(cube: path, weights: weights, requests: [request],
                                                   outputDirectory: directory.file("cutouts"))
                if outcome.first?.product != nil { outcomes.cut += 1 }
            } catch {
                Self.check(error, path: path, what: label)
            }
        }
        print("FITS fuzz: \(Self.cases) damaged files: \(outcomes.opened) opened, \(outcomes.refused) refused, \(outcomes.cut) cut")
        #expect(outcomes.refused > Self.cases / 10, "the damage reaches the reader")
        #expect(outcomes.opened > Self.cases / 10, "some damage leaves a readable file")
    }
}

/// SplitMix64 for the fuzz cases (reproducible on every machine).
struct SplitMixRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
