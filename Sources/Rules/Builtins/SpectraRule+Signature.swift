import Language
import Graph

extension SpectraRule: PipelineRule {
    static let signature = RuleSignature(
        kind: "spectra",
        summary: "extracts each component's I, Q and U spectrum of one field from its island's mosaics, and its V spectrum when `stokes` asks",
        loopVariables: [CommonSignature.epoch, CommonSignature.field],
        params: [
            ParamSpec("cutouts", .path, required: true, outputLocation: true,
                      "the directory of cutouts (as the mosaics product's); spectra go to `<cutouts>/<Source_ID>/<FIELD>/`"),
            ParamSpec("inner_radius", .number(NumberBounds(atLeast: 0)), default: "1.5",
                      "the background annulus's inner radius, in restoring-beam minor axes (BMIN)"),
            ParamSpec("outer_radius", .number(NumberBounds(above: 0)), default: "5",
                      "the background annulus's outer radius, in BMIN; more than `inner_radius`"),
            ParamSpec("clip_sigma", .number(NumberBounds(above: 0)), default: "3",
                      "the sigma-clipping threshold of the annulus's background and noise"),
            ParamSpec("flag_sigma", .number(NumberBounds(above: 0)), default: "5",
                      "a channel whose noise is this many sigma from the median channel noise (in any Stokes) is flagged"),
            ParamSpec(StokesSelection.name, .stokes, default: "IQU",
                      "\"IQUV\" also extracts Stokes V (needs the mosaics product's `stokes` too): `<Gaussian_ID>_v.dat` (freq V dV), and V's noise takes part in the channel flagging"),
        ],
        inputs: [
            InputSpec("table", pathsOnly: true, "the field's table, written by a `sources` product"),
            InputSpec("mosaics", producers: ["mosaics"], "the field's mosaics (a `mosaics` product)"),
        ],
        manifest: true,
        writes: ["`<Gaussian_ID>.dat` and `_bkg.dat` under `<cutouts>/<Source_ID>/<FIELD>/`, and `_v.dat` with `stokes = \"IQUV\"`"])

    static func claims(_ args: BuiltinArguments) -> [OutputClaim] {
        [.resource("the spectra of field \(CommonSignature.field(args)) under \(ClaimPath.normal(args.string("cutouts", default: "?")))")]
    }
}
