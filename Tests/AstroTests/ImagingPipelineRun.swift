import Foundation
@testable import Astro

/// A small simulated survey taken through stages 1, 2 and 4a as the `cutouts`, `mosaics`
/// and `spectra` rules do: every beam cube cut once for the islands whose catalogue
/// position lies within 1 deg of the beam centre (spice_init's beam matching), every island
/// mosaicked per Stokes with each beam's primary beam on its pointing, spectra read at
/// each component's catalogue position.
final class ImagingPipelineRun {
    let directory: TemporaryDirectory
    let simulator: SurveySimulator
    let field: SurveyLayout.Field
    let linmos = Linmos()
    let extractor = SpectrumExtractor()

    /// One island of the field and what the pipeline made of it.
    struct Island {
        let sourceID: String
        /// Indices into `SkyModel.components`.
        let components: [Int]
        /// Beams whose centre is within 1 deg of the island.
        let beams: [Int]
        /// Per Stokes ("i", "q", "u"): the cutouts, in the order given to LINMOS.
        var cutouts: [String: [(beam: Int, product: CutoutProduct)]] = [:]
        /// Per Stokes: the mosaic.
        var mosaics: [String: LinmosSummary] = [:]
    }

    private(set) var islands: [Island] = []
    var parameters: SurveyParameters { simulator.parameters }
    var cutoutsDirectory: String { directory.file("cutouts") }

    /// Simulates one field of one epoch (4 beams unless `configure` says otherwise), cuts
    /// and mosaics every island.
    init(_ configure: (inout SurveyParameters) -> Void = { _ in }) throws {
        directory = TemporaryDirectory("imaging")
        var p = SurveyParameters()
        p.fields = 1
        p.epochs = 1
        configure(&p)
        simulator = try SurveySimulator(p)
        try simulator.write(to: directory.file("survey"))
        field = simulator.layout.fields[0]

        let catalogue = CatalogueTables(parameters: p, layout: simulator.layout, sky: simulator.sky)
        for island in simulator.sky.islands where island.tile == field.index {
            let position = catalogue.island(island)
            let beams = field.beams.filter { SkyMath.separation($0.ra, $0.dec, position.ra, position.dec) <= 1 }.map(\.number)
            islands.append(Island(sourceID: island.sourceID, components: island.components, beams: beams))
        }
        try cut()
        try mosaic()
    }

    func cubePath(stokes: String, beam: Int) -> String {
        directory.file("survey/" + SurveySimulator.Paths.cube(epoch: 0, field: field.name, stokes: stokes, beam: beam))
    }

    func weightsPath(stokes: String, beam: Int) -> String {
        directory.file("survey/" + SurveySimulator.Paths.weights(epoch: 0, field: field.name, stokes: stokes, beam: beam))
    }

    func beam(_ number: Int) -> SurveyLayout.Beam { field.beams[number] }

    func requests(_ island: Island) -> CutoutRequest {
        CutoutRequest(sourceID: island.sourceID, components: island.components.map { k in
            let c = simulator.sky.components[k]
            let maj = CatalogueTables(parameters: parameters, layout: simulator.layout, sky: simulator.sky).measured(c).maj
            return CutoutComponent(ra: c.ra, dec: c.dec, majorAxisArcsec: maj)
        })
    }

    /// Stage 1: one `CubeCutter.cut` per beam cube for all the islands that beam sees.
    private func cut() throws {
        let cutter = CubeCutter()
        for beam in field.beams {
            let members = islands.indices.filter { islands[$0].beams.contains(beam.number) }
            for s in ["i", "q", "u"] {
                let outcomes = try cutter.cut(cube: cubePath(stokes: s, beam: beam.number),
                                              weights: weightsPath(stokes: s, beam: beam.number),
                                              requests: members.map { requests(islands[$0]) },
                                              outputDirectory: cutoutsDirectory)
                for (k, outcome) in zip(members, outcomes) {
                    if let product = outcome.product { islands[k].cutouts[s, default: []].append((beam.number, product)) }
                }
            }
        }
    }

    /// Stage 2: per island and Stokes, LINMOS of its cutouts with each beam's pointing.
    private func mosaic() throws {
        for k in islands.indices {
            for s in ["i", "q", "u"] {
                guard let cutouts = islands[k].cutouts[s], !cutouts.isEmpty else { continue }
                let inputs = cutouts.map { c in
                    LinmosInput(image: c.product.image, weights: c.product.weights!,
                                beamCentre: SkyPosition(ra: beam(c.beam).ra, dec: beam(c.beam).dec))
                }
                let directory = CutoutNames.directory(cutouts: cutoutsDirectory, sourceID: islands[k].sourceID)
                islands[k].mosaics[s] = try linmos.mosaic(
                    inputs,
                    image: "\(directory)/\(MosaicNames.image(sourceID: islands[k].sourceID, stokes: s, field: field.name))",
                    weightImage: "\(directory)/\(MosaicNames.weights(sourceID: islands[k].sourceID, stokes: s, field: field.name))")
            }
        }
    }

    /// Stage 4a for one component: the spectra at its catalogue position in its island's mosaics.
    func extract(_ island: Island, component: Int) throws -> ExtractedSpectrum {
        let c = simulator.sky.components[component]
        return try extractor.extract(ra: c.ra, dec: c.dec, iMosaic: island.mosaics["i"]!.image,
                                     qMosaic: island.mosaics["q"]!.image, uMosaic: island.mosaics["u"]!.image)
    }

    var frequencies: [Double] {
        (0..<parameters.channels).map { parameters.firstFrequency + Double($0) * parameters.channelWidth }
    }
}
