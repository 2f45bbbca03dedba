import Foundation
import Testing
@testable import Astro

/// `arrakis simulate --ionosphere`: scans at transit, IONEX maps that read back, and the
/// injected modulation where truth says; without the flag, nothing changes.
@Suite struct SurveyIonosphereTests {
    @Test func scansAreAtTransitAndTheMapsCoverThem() throws {
        let (dir, sim) = try SurveySimulatorTests.simulate { $0.ionosphere = true; $0.epochs = 2; $0.sources = 10 }
        let library = IONEXLibrary(directory: IONEXDirectory(directory: dir.file("survey/ionex")))
        for obs in sim.layout.observations {
            let field = sim.layout.fields[obs.field]
            let mid = obs.scanStart + obs.scanLength / 2
            let (_, elevation) = Horizon.azimuthElevation(ra: field.ra, dec: field.dec, mjdSeconds: mid, site: .askap)
            // Dec -31 at latitude -26.7 culminates at 85.7 deg; the scan is centred on it.
            #expect(elevation * 180 / .pi > 85, "epoch \(obs.epoch) \(field.name): elevation \(elevation * 180 / .pi) at mid-scan")
            for t in [obs.scanStart - 300, obs.scanStart + obs.scanLength + 300] {
                let maps = try library.maps(for: UTCDay(mjdSeconds: t))
                #expect(maps.span.contains(t))
                let tec = try maps.verticalTEC(latitude: -26, longitude: 117, mjdSeconds: t, interpolation: .linear)
                #expect(tec > 5 && tec < 60, "a plausible TEC: \(tec)")
            }
        }
        let truth = try String(contentsOfFile: dir.file("survey/truth.csv"), encoding: .utf8)
        #expect(truth.contains(",rm_ion\n"))
        let ionosphere = try String(contentsOfFile: dir.file("survey/ionosphere.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { Double($0.split(separator: ",")[4])! }
        #expect(!ionosphere.isEmpty)
        #expect(ionosphere.allSatisfy { $0 < -0.5 && $0 > -10 }, "ASKAP's RM_ion is negative, a few rad/m^2: \(ionosphere)")
    }

    /// The cubes carry P_sky x theta: a bright point source's band-summed Q/U at its peak
    /// pixel, derotated by the injected theta, matches the sky's polarisation angle.
    @Test func theCubesCarryTheModulation() throws {
        let (dir, sim) = try SurveySimulatorTests.simulate {
            $0.ionosphere = true; $0.epochs = 1; $0.fields = 1; $0.beams = 4; $0.sources = 12; $0.channelNoise = 1e-6
        }
        let p = sim.parameters
        let model = try SurveyIonosphere.make(root: dir.file("again"), layout: sim.layout, sky: sim.sky, parameters: p)
        let obs = sim.layout.observations[0]
        let field = sim.layout.fields[obs.field]
        func cube(_ s: String, _ beam: Int) throws -> (PixelArray<Float>, CelestialWCS) {
            let file = try FITSFile.open(dir.file("survey/" + SurveySimulator.Paths.cube(epoch: 0, field: field.name, stokes: s, beam: beam)))
            return (try file.readImage(as: Float.self), try CelestialWCS(header: try file.readHeader()))
        }
        var checked = 0
        for beam in field.beams {
            let (q, wcs) = try cube("q", beam.number)
            let (u, _) = try cube("u", beam.number)
            for (c, comp) in sim.sky.components.enumerated() where comp.major == 0 && comp.isolated && comp.fractionalPolarisation * comp.flux > 1e-4 {
                guard let theta = model.modulation[0]?[c], let (x, y) = wcs.pixel(ra: comp.ra, dec: comp.dec) else { continue }
                let (px, py) = (Int(x.rounded()), Int(y.rounded()))
                guard px >= 0, py >= 0, px < p.npix, py < p.npix else { continue }
                for ch in [0, p.channels - 1] {
                    let i = ch * p.npix * p.npix + py * p.npix + px
                    let observed = (re: Double(q.values[i]), im: Double(u.values[i]))
                    // The sky's angle at this channel, and the observed one derotated by theta.
                    let lambda2 = pow(299_792_458.0 / (p.firstFrequency + Double(ch) * p.channelWidth), 2)
                    let sky = 2 * (comp.angle * .pi / 180 + comp.rm * lambda2)
                    let t = theta[ch]
                    let m2 = t.re * t.re + t.im * t.im
                    let derotated = (re: (observed.re * t.re + observed.im * t.im) / m2, im: (observed.im * t.re - observed.re * t.im) / m2)
                    var d = atan2(derotated.im, derotated.re) - sky
                    d = atan2(sin(d), cos(d))
                    #expect(abs(d) < 0.05, "\(comp.gaussianID) channel \(ch): derotated angle off by \(d) rad")
                    // And the rotation is there to be removed: 2 lambda^2 RM_ion is a few tenths of a radian.
                    var raw = atan2(observed.im, observed.re) - sky
                    raw = atan2(sin(raw), cos(raw))
                    #expect(abs(raw) > 0.2, "\(comp.gaussianID) channel \(ch): the ionosphere rotated it by \(raw) rad")
                    checked += 1
                }
            }
        }
        #expect(checked >= 2, "bright polarised point sources checked: \(checked)")
    }

    @Test func withoutTheFlagTheSurveyIsAsBefore() throws {
        let (dir, sim) = try SurveySimulatorTests.simulate { $0.sources = 5 }
        #expect(!FileManager.default.fileExists(atPath: dir.file("survey/ionex")))
        #expect(!FileManager.default.fileExists(atPath: dir.file("survey/ionosphere.csv")))
        #expect(!(try String(contentsOfFile: dir.file("survey/truth.csv"), encoding: .utf8)).contains("rm_ion"))
        #expect(!(try String(contentsOfFile: dir.file("survey/survey.json"), encoding: .utf8)).contains("ionosphere"))
        #expect(sim.layout.observations[0].scanStart == 59_000 * 86_400)
    }
}
