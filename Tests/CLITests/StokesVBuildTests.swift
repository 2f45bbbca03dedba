import Astro
import Foundation
import XCTest

/// Stokes V (issue 22): cut out, mosaicked and extracted only when the Arrakisfile's
/// `cutouts`, `mosaics` and `spectra` products say `stokes = "IQUV"`; its spectrum
/// (`<Gaussian_ID>_v.dat`) measures what the simulator injected, its noise flags channels
/// with the others', and the catalogue's `stokesV` / `stokesV_err` hold its band average and
/// noise. Without the param nothing about V is written, even when the survey has V cubes.
final class StokesVBuildTests: XCTestCase {
    let environment = ["ARRAKIS_SURVEY": "survey", "ARRAKIS_DATABASE": "sqlite:work/pipeline.db"]
    let fields = ["RACS_1230-31A", "RACS_1239-31A"]
    /// The injected |V / I| reaches this (truth.csv's frac_v is uniform in -F..F).
    let fraction = 0.3

    /// A one-epoch, two-field survey with V cubes and the per-field root Arrakisfile.
    func project() throws -> String {
        let dir = try scratchDirectory(self)
        let sim = try arrakis(["simulate", "survey", "--ionosphere", "--circular-fraction", "\(fraction)", "--fields", "2",
                               "--epochs", "1", "--beams", "4", "--sources", "16", "--channels", "12", "--npix", "64"], in: dir)
        XCTAssertEqual(sim.status, 0, sim.stderr)
        try write(try perFieldArrakisfile(), to: dir + "/Arrakisfile")
        return dir
    }

    func build(_ targets: [String] = [], in dir: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try arrakis(["build", "--progress", "quiet"] + targets, in: dir, environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
    }

    /// The Arrakisfile with `param stokes = "IQUV"` in each named product.
    func askingForV(_ text: String, products: [String]) throws -> String {
        var text = text
        for product in products {
            let start = try XCTUnwrap(text.range(of: "product \(product) {"), product)
            let rule = try XCTUnwrap(text.range(of: "    rule ", range: start.upperBound..<text.endIndex))
            text.insert(contentsOf: "    param stokes = \"IQUV\"\n", at: rule.lowerBound)
        }
        return text
    }

    func manifestRows(_ path: String) throws -> (header: [String], rows: [[String: String]]) {
        let lines = try read(path).split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        return (lines[0], lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) })
    }

    /// truth.csv's frac_v and isolated, by Gaussian_ID.
    func truth(_ dir: String) throws -> [String: (fraction: Double, isolated: Bool)] {
        let lines = try read(dir + "/survey/truth.csv").split(separator: "\n").filter { !$0.hasPrefix("#") }
        let header = lines[0].split(separator: ",").map(String.init)
        let v = try XCTUnwrap(header.firstIndex(of: "frac_v")), iso = try XCTUnwrap(header.firstIndex(of: "isolated"))
        var out: [String: (Double, Bool)] = [:]
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            out[cells[0]] = (Double(cells[v])!, cells[iso] == "1")
        }
        return out
    }

    /// Every file under `dir/work`, relative.
    func workFiles(_ dir: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir + "/work")?.allObjects as? [String]) ?? []
    }

    func testStokesVIsMeasuredWhenAskedForAndOnlyThen() throws {
        let dir = try project()
        let root = try read(dir + "/Arrakisfile")

        // Without `stokes`: the survey's V cubes are left alone.
        try build(in: dir)
        let files = workFiles(dir)
        XCTAssertTrue(files.contains { $0.hasSuffix(".dat") })
        XCTAssertEqual(files.filter { $0.contains(".restored.v.") || $0.hasSuffix("_v.dat") }, [])
        for field in fields {
            let spectra = try manifestRows("\(dir)/work/epoch_0/manifests/\(field).spectra.tsv")
            XCTAssertEqual(spectra.header, ["gaussian_id", "source_id", "spectrum", "background", "flagged", "digest", "inputs"])
            XCTAssertEqual(Set(try manifestRows("\(dir)/work/epoch_0/manifests/\(field).mosaics.tsv").rows.map { $0["stokes"]! }), ["i", "q", "u"])
            let cat = try PolarisationCatalogue.readFITS("\(dir)/work/epoch_0/catalogues/\(field).fits")
            let ids = try XCTUnwrap(cat[column: "cat_id"]?.texts)
            XCTAssertGreaterThan(ids.count, 3)
            for name in ["stokesV", "stokesV_err"] {
                XCTAssertTrue(try XCTUnwrap(cat[column: name]?.reals).allSatisfy(\.isNaN), "\(field) \(name): nothing measured, nothing claimed")
            }
        }

        // With stokes = "IQUV" on the three products: V is cut out, mosaicked and extracted.
        try write(try askingForV(root, products: ["cutouts", "mosaics", "spectra"]), to: dir + "/Arrakisfile")
        try build(in: dir)
        let truth = try truth(dir)
        var compared = 0, strong = 0, measured = 0, chiSquare = 0.0, terms = 0
        for field in fields {
            let mosaics = try manifestRows("\(dir)/work/epoch_0/manifests/\(field).mosaics.tsv").rows
            XCTAssertEqual(Set(mosaics.map { $0["stokes"]! }), ["i", "q", "u", "v"])
            let spectra = try manifestRows("\(dir)/work/epoch_0/manifests/\(field).spectra.tsv")
            XCTAssertEqual(spectra.header.last, "v_spectrum")
            let cat = try PolarisationCatalogue.readFITS("\(dir)/work/epoch_0/catalogues/\(field).fits")
            let ids = try XCTUnwrap(cat[column: "cat_id"]?.texts)
            let stokesV = try XCTUnwrap(cat[column: "stokesV"]?.reals), stokesVError = try XCTUnwrap(cat[column: "stokesV_err"]?.reals)
            let failed = try XCTUnwrap(cat[column: "rmsynth_failed"]?.logicals)
            for row in spectra.rows {
                let id = row["gaussian_id"]!
                let spectrum = try SpectrumFile.read(dir + "/" + row["spectrum"]!)
                let circular = try CircularSpectrumFile.read(dir + "/" + row["v_spectrum"]!)
                XCTAssertEqual(row["v_spectrum"], String(row["spectrum"]!.dropLast(4)) + "_v.dat")
                XCTAssertEqual(circular.frequency, spectrum.frequency)
                // One set of flags: V is blank exactly where I, Q and U are.
                XCTAssertEqual(circular.v.map(\.isNaN), spectrum.i.map(\.isNaN), id)
                let good = spectrum.i.indices.filter { spectrum.i[$0].isFinite }
                let n = Double(good.count)
                let meanV = good.map { circular.v[$0] }.reduce(0, +) / n
                let meanI = good.map { spectrum.i[$0] }.reduce(0, +) / n
                let bandNoise = good.map { circular.dv[$0] }.reduce(0, +) / n / n.squareRoot()

                // The catalogue's stokesV and stokesV_err: this spectrum's band average and its noise.
                let k = try XCTUnwrap(ids.firstIndex(of: id), id)
                if failed[k] {
                    // No RM synthesis result, so no band noise recorded: blank, as stokesQ_err is.
                    XCTAssertTrue(stokesV[k].isNaN && stokesVError[k].isNaN, id)
                } else {
                    measured += 1
                    XCTAssertEqual(stokesV[k], meanV, accuracy: 1e-12 + 1e-9 * abs(meanV), id)
                    XCTAssertEqual(stokesVError[k], bandNoise, accuracy: 1e-9 * bandNoise, id)
                }

                // What was injected: V = frac_v x I, channel by channel, within the noise.
                let t = try XCTUnwrap(truth[id], id)
                guard t.isolated else { continue }
                compared += 1
                for c in good {
                    let sigma = (circular.dv[c] * circular.dv[c] + t.fraction * t.fraction * spectrum.di[c] * spectrum.di[c]).squareRoot()
                    let pull = (circular.v[c] - t.fraction * spectrum.i[c]) / sigma
                    chiSquare += pull * pull
                    terms += 1
                }
                XCTAssertLessThan(abs(meanV - t.fraction * meanI), 5 * bandNoise, "\(field) \(id): V \(meanV), frac_v x I \(t.fraction * meanI)")
                if abs(t.fraction * meanI) > 5 * bandNoise {
                    strong += 1
                    XCTAssertEqual(meanV.sign, t.fraction.sign, "\(field) \(id): the injected V's sign")
                }
            }
        }
        XCTAssertGreaterThan(measured, 10)
        XCTAssertGreaterThan(compared, 8)
        XCTAssertGreaterThan(strong, 3, "some components have a V well above the noise")
        let reduced = chiSquare / Double(terms)
        XCTAssertTrue(reduced > 0.5 && reduced < 1.6, "V - frac_v I over its noise: reduced chi^2 \(reduced) on \(terms) channels")
        // Nothing more to do.
        XCTAssertEqual(try dryRunPlan(in: dir, environment: environment).count, 0)
    }

    /// A region's per-island mosaics take the V cutouts of every field that sees the island;
    /// its catalogue's stokesV_err is then below each field's own for an island both see.
    func testARegionsIslandsHaveStokesVFromEveryField() throws {
        let dir = try project()
        let root = try read(dir + "/Arrakisfile")
        try write(try askingForV(root, products: ["cutouts", "mosaics", "spectra", "region_mosaics", "region_spectra"]),
                  to: dir + "/Arrakisfile")
        try build(["catalogue", "region_catalogue"], in: dir)
        let region = try PolarisationCatalogue.readFITS("\(dir)/work/epoch_0/catalogues/merged.fits")
        let ids = try XCTUnwrap(region[column: "cat_id"]?.texts)
        let members = try XCTUnwrap(region[column: "fields"]?.texts)
        let errors = try XCTUnwrap(region[column: "stokesV_err"]?.reals)
        XCTAssertTrue(try XCTUnwrap(region[column: "stokesV"]?.reals).allSatisfy(\.isFinite))
        var fieldErrors: [String: [String: Double]] = [:]
        for field in fields {
            let cat = try PolarisationCatalogue.readFITS("\(dir)/work/epoch_0/catalogues/\(field).fits")
            fieldErrors[field] = Dictionary(uniqueKeysWithValues: zip(try XCTUnwrap(cat[column: "cat_id"]?.texts),
                                                                      try XCTUnwrap(cat[column: "stokesV_err"]?.reals)))
        }
        var overlaps = 0
        for (k, id) in ids.enumerated() where members[k].contains(",") {
            overlaps += 1
            for field in members[k].split(separator: ",").map(String.init) {
                let own = try XCTUnwrap(fieldErrors[field]?[id], "\(id) in \(field)")
                XCTAssertLessThan(errors[k], own, "\(id): the merged V mosaic is deeper than \(field)'s")
            }
        }
        XCTAssertGreaterThan(overlaps, 0, "the two fields share an island")
        let mosaics = try FileManager.default.contentsOfDirectory(atPath: "\(dir)/work/epoch_0/regions/merged/manifests")
            .filter { $0.hasSuffix(".mosaics.tsv") }
        XCTAssertFalse(mosaics.isEmpty)
        for m in mosaics {
            XCTAssertTrue(try read("\(dir)/work/epoch_0/regions/merged/manifests/\(m)").contains("\tv\t"), m)
        }
    }
}
