import Foundation
import Testing
@testable import Astro

@Suite struct SurveySimulatorTests {
    static func simulate(_ configure: (inout SurveyParameters) -> Void = { _ in }) throws -> (TemporaryDirectory, SurveySimulator) {
        let dir = TemporaryDirectory("sim")
        var p = SurveyParameters()
        configure(&p)
        let sim = try SurveySimulator(p)
        try sim.write(to: dir.file("survey"))
        return (dir, sim)
    }

    /// Acceptance: every bright, isolated point source peaks (in the band-averaged Stokes I)
    /// where the cube's WCS predicts, in every beam that covers it, with the injected
    /// brightness (flux x spectrum x primary beam, averaged over the band).
    ///
    /// The peak is located to a fraction of a pixel: a Gaussian sampled at pixel centres has
    /// a parabolic logarithm, so the vertex of the parabola through the brightest pixel and
    /// its two neighbours (along x, then y) is the true centre. At S/N >= 30 its noise is
    /// about 0.05 pixel. (The brightest pixel alone is no test: for a source half-way between
    /// two pixels they differ by a few per cent, less than the noise, so the brighter one is
    /// a coin toss.)
    @Test func brightSourcesPeakWhereTheWCSPredicts() throws {
        let (dir, sim) = try Self.simulate { $0.sources = 60; $0.fields = 3; $0.seed = 7 }
        let p = sim.parameters
        let pb = GaussianPrimaryBeam()
        let frequencies = (0..<p.channels).map { p.firstFrequency + Double($0) * p.channelWidth }
        let bandNoise = p.channelNoise * 1.5 / Double(p.channels).squareRoot()
        var checked = 0
        var beamsPerComponent: [String: Int] = [:]
        for obs in sim.layout.observations where obs.epoch == 0 {
            let field = sim.layout.fields[obs.field]
            for beam in field.beams {
                let path = dir.file("survey/" + SurveySimulator.Paths.cube(epoch: 0, field: field.name, stokes: "i", beam: beam.number))
                let file = try FITSFile.open(path)
                let wcs = try CelestialWCS(header: try file.readHeader())
                let cube = try file.readImage(as: Float.self)
                let n = p.npix
                var mean = [Double](repeating: 0, count: n * n)
                for c in 0..<p.channels { for i in 0..<(n * n) { mean[i] += Double(cube.values[c * n * n + i]) / Double(p.channels) } }
                for c in sim.sky.components where c.isolated && c.major == 0 {
                    guard let (x, y) = wcs.pixel(ra: c.ra, dec: c.dec),
                          x >= 4, y >= 4, x <= Double(n - 5), y <= Double(n - 5) else { continue }
                    let distance = SkyMath.separation(beam.ra, beam.dec, c.ra, c.dec)
                    let expected = frequencies.map { f in
                        c.flux * pow(f / p.referenceFrequency, c.spectralIndex) * pb.response(distance: distance, frequency: f)
                    }.reduce(0, +) / Double(p.channels)
                    guard expected > 30 * bandNoise else { continue }
                    var best = (x: 0, y: 0, v: -Double.infinity)
                    let cx = Int(x.rounded()), cy = Int(y.rounded())
                    for py in (cy - 2)...(cy + 2) { for px in (cx - 2)...(cx + 2) where mean[py * n + px] > best.v {
                        best = (px, py, mean[py * n + px])
                    } }
                    func logValue(_ dx: Int, _ dy: Int) -> Double { log(max(mean[(best.y + dy) * n + best.x + dx], 1e-12)) }
                    let centre = logValue(0, 0)
                    let (left, right, down, up) = (logValue(-1, 0), logValue(1, 0), logValue(0, -1), logValue(0, 1))
                    let tx = (right - left) / (2 * (2 * centre - left - right))
                    let ty = (up - down) / (2 * (2 * centre - down - up))
                    let peak = exp(centre + (right - left) * tx / 4 + (up - down) * ty / 4)
                    let fitted = (x: Double(best.x) + tx, y: Double(best.y) + ty)
                    #expect(abs(fitted.x - x) <= 0.25 && abs(fitted.y - y) <= 0.25,
                            "\(c.gaussianID) in \(field.name) beam \(beam.number): peak at (\(fitted.x), \(fitted.y)), WCS says (\(x), \(y))")
                    #expect(abs(peak - expected) < 0.03 * expected + 5 * bandNoise,
                            "\(c.gaussianID): peak \(peak) Jy/beam, injected \(expected)")
                    checked += 1
                    beamsPerComponent[c.gaussianID, default: 0] += 1
                }
            }
        }
        #expect(checked >= 20, "only \(checked) source-beam pairs were bright enough to check")
        #expect(beamsPerComponent.values.contains { $0 >= 2 }, "no bright source appears in two beams")
    }

    @Test func beamsAndFieldsOverlap() throws {
        var p = SurveyParameters()
        p.sources = 200
        let sim = try SurveySimulator(p)
        let halfWidth = p.beamPitch   // each beam image spans two pitches
        var fieldsPerComponent: [Int] = []
        var beamsPerComponent: [Int] = []
        for c in sim.sky.components {
            var beams = 0
            var fields = Set<Int>()
            for f in sim.layout.fields { for b in f.beams {
                let wcs = try CelestialWCS(header: BeamCubeRenderer(parameters: p, sky: sim.sky)
                    .header(field: f, beam: b, observation: sim.layout.observations[0], stokes: 1))
                if let (x, y) = wcs.pixel(ra: c.ra, dec: c.dec), x >= 0, y >= 0, x < Double(p.npix), y < Double(p.npix) {
                    beams += 1
                    fields.insert(f.index)
                }
            } }
            _ = halfWidth
            beamsPerComponent.append(beams)
            fieldsPerComponent.append(fields.count)
        }
        #expect(beamsPerComponent.allSatisfy { $0 >= 1 }, "a component lies outside every beam")
        #expect(beamsPerComponent.filter { $0 >= 2 }.count > sim.sky.components.count / 2)
        #expect(fieldsPerComponent.contains { $0 >= 2 }, "no component lies in two fields")
    }

    @Test func sameSeedSameSurveyOtherSeedOtherSurvey() throws {
        let (a, _) = try Self.simulate { $0.sources = 10; $0.epochs = 1; $0.fields = 1 }
        // The next survey is made in a later second of the wall clock: no timestamp may leak into the bytes.
        let second = time(nil)
        #expect(waitUntil { time(nil) > second })
        let (b, _) = try Self.simulate { $0.sources = 10; $0.epochs = 1; $0.fields = 1 }
        let (c, _) = try Self.simulate { $0.sources = 10; $0.epochs = 1; $0.fields = 1; $0.seed = 2 }
        let cube = "survey/" + SurveySimulator.Paths.cube(epoch: 0, field: "RACS_1230-31A", stokes: "q", beam: 2)
        func bytes(_ d: TemporaryDirectory, _ f: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: d.file(f))) }
        #expect(try bytes(a, cube) == bytes(b, cube))
        #expect(try bytes(a, "survey/truth.csv") == bytes(b, "survey/truth.csv"))
        #expect(try bytes(a, cube) != bytes(c, cube))
        #expect(try bytes(a, "survey/truth.csv") != bytes(c, "survey/truth.csv"))
    }

    /// `--circular-fraction` adds V cubes (and truth.csv's `frac_v`) and changes nothing else:
    /// every other file is the same, byte for byte, as the survey without V; each component's
    /// V is its injected fraction of I, within the noise.
    @Test func stokesVAddsVCubesAndLeavesTheRestAsItWas() throws {
        let (plain, _) = try Self.simulate { $0.sources = 60; $0.epochs = 1; $0.fields = 3; $0.seed = 7 }
        let (withV, sim) = try Self.simulate { $0.sources = 60; $0.epochs = 1; $0.fields = 3; $0.seed = 7; $0.circularFraction = 0.4 }
        let p = sim.parameters
        func files(_ d: TemporaryDirectory) -> Set<String> {
            Set((FileManager.default.enumerator(atPath: d.file("survey"))?.allObjects as? [String] ?? []).filter {
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: d.file("survey/" + $0), isDirectory: &isDirectory) && !isDirectory.boolValue
            })
        }
        func bytes(_ d: TemporaryDirectory, _ f: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: d.file("survey/" + f))) }
        let before = files(plain), after = files(withV)
        let added = after.subtracting(before)
        #expect(before.isSubset(of: after))
        #expect(!added.isEmpty && added.allSatisfy { $0.contains(".restored.v.") }, "only V cubes and weights are new: \(added.sorted())")
        #expect(added.count == 2 * sim.layout.observations.map { sim.layout.fields[$0.field].beams.count }.reduce(0, +))
        for f in before.sorted() where f != "truth.csv" && f != "survey.json" {
            #expect(try bytes(plain, f) == bytes(withV, f), "\(f) changed")
        }
        // truth.csv: the same rows with frac_v appended, its meaning in a comment.
        let lines = { (d: TemporaryDirectory) in String(decoding: try bytes(d, "truth.csv"), as: UTF8.self).split(separator: "\n").filter { !$0.hasPrefix("#") } }
        let (old, new) = (try lines(plain), try lines(withV))
        #expect(new.count == old.count)
        for (a, b) in zip(old, new) { #expect(b.hasPrefix(a + ","), "\(b)") }
        #expect(new[0].hasSuffix(",frac_v"))
        let fractions = sim.sky.components.map(\.circularFraction)
        #expect(fractions.allSatisfy { abs($0) <= 0.4 } && fractions.contains { $0 > 0.1 } && fractions.contains { $0 < -0.1 })

        // V = frac_v x I at each bright isolated point source, band-averaged, in every beam.
        let bandNoise = p.channelNoise * 1.5 / Double(p.channels).squareRoot()
        var checked = 0
        for obs in sim.layout.observations {
            let field = sim.layout.fields[obs.field]
            for beam in field.beams {
                func cube(_ s: String) throws -> (PixelArray<Float>, CelestialWCS, FITSHeader) {
                    let file = try FITSFile.open(withV.file("survey/" + SurveySimulator.Paths.cube(epoch: 0, field: field.name, stokes: s, beam: beam.number)))
                    let header = try file.readHeader()
                    return (try file.readImage(as: Float.self), try CelestialWCS(header: header), header)
                }
                let (i, wcs, _) = try cube("i"), (v, _, vHeader) = try cube("v")
                #expect(vHeader.double("CRVAL3") == 4, "FITS Stokes axis: V is 4")
                let weights = SurveySimulator.Paths.weights(epoch: 0, field: field.name, stokes: "i", beam: beam.number)
                #expect(try bytes(withV, weights) == bytes(withV, weights.replacingOccurrences(of: ".i.", with: ".v.")))
                let n = p.npix
                for c in sim.sky.components where c.isolated && c.major == 0 {
                    guard let (x, y) = wcs.pixel(ra: c.ra, dec: c.dec), x >= 2, y >= 2, x <= Double(n - 3), y <= Double(n - 3) else { continue }
                    let k = Int(y.rounded()) * n + Int(x.rounded())
                    var meanI = 0.0, meanV = 0.0
                    for ch in 0..<p.channels {
                        meanI += Double(i.values[ch * n * n + k]) / Double(p.channels)
                        meanV += Double(v.values[ch * n * n + k]) / Double(p.channels)
                    }
                    guard abs(c.circularFraction * meanI) > 4 * bandNoise else { continue }
                    #expect(abs(meanV - c.circularFraction * meanI) < 5 * bandNoise * (1 + c.circularFraction * c.circularFraction).squareRoot(),
                            "\(c.gaussianID): V \(meanV), injected \(c.circularFraction) x I \(meanI)")
                    checked += 1
                }
            }
        }
        #expect(checked >= 5, "only \(checked) source-beam pairs had a V well above the noise")
    }

    @Test func laterEpochReobservesSomeFieldsWithNewSBIDs() throws {
        let (dir, sim) = try Self.simulate { $0.sources = 5; $0.fields = 3 }
        let epoch1 = sim.layout.observations.filter { $0.epoch == 1 }
        #expect(epoch1.count >= 1 && epoch1.count < 3)
        let csv = try String(contentsOfFile: dir.file("survey/db/epoch_1/field_data.csv"), encoding: .utf8)
        for obs in epoch1 {
            let name = sim.layout.fields[obs.field].name
            #expect(csv.contains("\(name),\(obs.sbid),1,"))
            #expect(FileManager.default.fileExists(atPath: dir.file("survey/db/epoch_1/beam_inf_\(obs.sbid)-\(name).csv")))
            #expect(FileManager.default.fileExists(atPath: dir.file("survey/" + SurveySimulator.Paths.cube(epoch: 1, field: name, stokes: "u", beam: 3))))
        }
        let epoch0 = try String(contentsOfFile: dir.file("survey/db/epoch_0/field_data.csv"), encoding: .utf8)
        #expect(epoch0.contains("RACS_test4_1.05_1230-31A,8500,1,"))
        #expect(epoch0.contains(",-1,0,"))   // a failed observation the loader must drop
    }

    @Test func cataloguesHaveTheDR1ColumnsAndUnits() throws {
        let (dir, sim) = try Self.simulate { $0.sources = 40; $0.epochs = 1 }
        let islands = try FITSFile.open(dir.file("survey/" + SurveySimulator.Paths.islands)).readTable()
        let components = try FITSFile.open(dir.file("survey/" + SurveySimulator.Paths.components)).readTable()
        let islandColumns = ["Source_Name", "Source_ID", "Tile_ID", "SBID", "Obs_Start_Time", "N_Gaus", "RA", "Dec",
            "E_RA", "E_Dec", "Total_flux_Source", "E_Total_flux_Source_PyBDSF", "E_Total_flux_Source", "Peak_flux",
            "E_Peak_flux", "Maj", "E_Maj", "Min", "E_Min", "PA", "E_PA", "DC_Maj", "E_DC_Maj", "DC_Min", "E_DC_Min",
            "DC_PA", "E_DC_PA", "S_Code", "Separation_Tile_Centre", "Noise", "Gal_lon", "Gal_lat", "Flag_Close"]
        #expect(islands.columns.map(\.name) == islandColumns)
        for extra in ["Gaussian_ID", "Total_flux_Gaussian", "E_Total_flux_Gaussian_PyBDSF", "E_Total_flux_Gaussian"] {
            #expect(components.column(extra) != nil, "components lack \(extra)")
        }
        #expect(islands.rowCount == sim.sky.islands.count)
        #expect(components.rowCount == sim.sky.components.count)
        #expect(islands.column("RA")?.unit == "deg")
        #expect(islands.column("Peak_flux")?.unit == "mJy/beam")
        #expect(islands.column("Maj")?.unit == "arcsec")
        // Component fluxes sum to their island's; names follow the RACS conventions.
        let totals = try #require(components.column("Total_flux_Gaussian")?.reals)
        let owners = try #require(components.column("Source_ID")?.strings)
        let islandTotal = Dictionary(uniqueKeysWithValues: zip(try #require(islands.column("Source_ID")?.strings),
                                                               try #require(islands.column("Total_flux_Source")?.reals)))
        var sums: [String: Double] = [:]
        for (o, t) in zip(owners, totals) { sums[o, default: 0] += t }
        for (id, sum) in sums { #expect(abs(sum - islandTotal[id]!) < 1e-9 * sum) }
        #expect(try #require(islands.column("Source_Name")?.strings).allSatisfy { $0.hasPrefix("RACS-DR1 J") && $0.count == 25 })
        let truth = try String(contentsOfFile: dir.file("survey/truth.csv"), encoding: .utf8)
        #expect(truth.split(separator: "\n").filter { !$0.hasPrefix("#") }.count == sim.sky.components.count + 1)
    }

    @Test func refusesToOverwriteAndLeavesNothingHalfWritten() throws {
        let (dir, _) = try Self.simulate { $0.sources = 3; $0.epochs = 1; $0.fields = 1; $0.beams = 1 }
        let again = try SurveySimulator({ var p = SurveyParameters(); p.sources = 3; p.fields = 1; p.beams = 1; return p }())
        let error = #expect(throws: SimulationError.self) { try again.write(to: dir.file("survey")) }
        #expect(error?.description.contains("already exists and is not empty") == true)
        try again.write(to: dir.file("survey"), replacing: true)
        #expect(dir.listing() == ["survey"])
        #expect(throws: SimulationError.badParameter("--beams must be 1...36, as ASKAP has 36 beams (got 40)")) {
            var p = SurveyParameters(); p.beams = 40
            _ = try SurveySimulator(p)
        }
    }

    @Test func fieldAndSourceNamesFollowRACS() {
        #expect(SurveyNames.fieldName(ra: 189.25, dec: 12.2) == "RACS_1237+12A")
        #expect(SurveyNames.fieldName(ra: 187.5, dec: -31) == "RACS_1230-31A")
        #expect(SurveyNames.sourceName(ra: 187.70583, dec: 12.38945) == "RACS-DR1 J123049.3+122322")
    }
}
