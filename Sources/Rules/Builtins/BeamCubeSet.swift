import Language
import Astro

/// A field's beam cubes among a product's inputs, found as the original finds them: for
/// Stokes `s` and beam `NN`, the one file named `image.restored.<s>*contcube*beamNN.conv.fits`.
/// Which Stokes parameters are cut is the product's `StokesSelection`.
struct BeamCubeSet {
    let cubes: [String]
    let weights: Set<String>

    init(cubes: [String], weights: [String]) {
        self.cubes = cubes
        self.weights = Set(weights)
    }

    /// The cube of one Stokes parameter and beam; an error when none or several match.
    func cube(stokes s: String, beam: Int, field: String) throws -> String {
        let tag = "beam" + (beam < 10 ? "0" : "") + String(beam) + ".conv.fits"
        let prefix = "image.restored." + s
        let hits = cubes.filter {
            let name = $0.split(separator: "/").last.map(String.init) ?? $0
            return name.hasPrefix(prefix) && name.hasSuffix(tag) && name.contains("contcube")
        }
        guard hits.count == 1 else {
            throw BuiltinRuleError.failed(hits.isEmpty
                ? "field \(field): no Stokes \(s.uppercased()) cube for beam \(beam) among the inputs (expected \(prefix)*contcube*\(tag))"
                : "field \(field): \(hits.count) Stokes \(s.uppercased()) cubes match beam \(beam): \(hits.joined(separator: ", "))")
        }
        return hits[0]
    }

    /// The weights file beside a cube, when it is among the inputs.
    func weights(forCube cube: String) -> String? {
        let w = CutoutNames.weightsFile(forCube: cube)
        return weights.contains(w) ? w : nil
    }
}
