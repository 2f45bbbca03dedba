import Language
import Graph

extension RMSynthRule: PipelineRule {
    static let signature = RuleSignature(
        kind: "rmsynth",
        version: 3,
        summary: "RM synthesis (RM-Tools' rmsynth1d) of every component spectrum of one field",
        loopVariables: [CommonSignature.epoch, CommonSignature.field],
        params: [
            ParamSpec("poly_order", .integer(min: -5, max: 5), default: "3",
                      "the Stokes I model's polynomial order (RM-Tools' polyOrd); -n lets the fit choose up to n"),
            ParamSpec("fit_function", .choice(["log", "linear"]), default: "log", "the Stokes I model (fit_function)"),
            ParamSpec("samples", .number(NumberBounds(above: 0)), default: "5",
                      "Faraday-depth samples per RMSF FWHM (nSamples); ignored when `dphi` is set"),
            ParamSpec("weight", .choice(["variance", "uniform"]), default: "variance", "the channel weighting (weightType)"),
            ParamSpec("phi_max", .number(NumberBounds(above: 0)), unset: "automatic: max(sqrt(3) / the widest lambda^2 step, 10 RMSF FWHM)",
                      "the largest |Faraday depth| sampled, rad/m^2 (phiMax_radm2)"),
            ParamSpec("dphi", .number(NumberBounds(above: 0)), unset: "RMSF FWHM / samples",
                      "the Faraday-depth step, rad/m^2 (dPhi_radm2)"),
            ParamSpec("allow_negative_model", .boolean, default: "false",
                      "carry on with a Stokes I model that is negative somewhere (RM-Tools does, flagging it in IfitStat); by default that spectrum is a recorded failure"),
            ParamSpec("ignore_stokes_i", .boolean, default: "false",
                      "rmsynth1d's `-i`: neither fit nor divide by Stokes I (taken as 1 with no error), so the FDF is in Q and U's units; the catalogue's fractional columns are then not fractions"),
            ParamSpec("directory", .path, unset: "beside each spectrum", outputLocation: true,
                      "where the files go: `<directory>/<FIELD>/<Gaussian_ID>_*`; give a second rmsynth product (a parameter sweep) its own"),
            ParamSpec("results", .fieldName, default: CommonSignature.rmResults, outputLocation: true,
                      "the components' field that holds the results (one element per field); give a second rmsynth product its own"),
            CommonSignature.database,
        ],
        inputs: [InputSpec("spectra", producers: ["spectra", "frion"],
                           "the field's spectra: a `spectra` product, or a `frion` product for the ionosphere-corrected ones")],
        manifest: true,
        writes: ["`<Gaussian_ID>_FDFdirty.dat`, `_RMSF.dat`, `_weight.dat`, `_RMsynth.dat`, `_RMsynth.json` beside each spectrum (or under `directory`)",
                 "the field's element of `components.<results>`: `rmsynth1d`, `rm1dfiles`, `rmsynth_summary` (RM-Tools' keys and the spectrum's band-averaged noise and background, `dIFullBand` ... `bUFullBand`, and with a V spectrum `VFullBand`, `dVFullBand`) or `error`"])

    static func claims(_ args: BuiltinArguments) -> [OutputClaim] {
        let field = CommonSignature.field(args)
        let files: OutputClaim
        if let directory = args.values["directory"] {
            files = .resource("the RM synthesis files of field \(field) under \(ClaimPath.normal(directory))")
        } else {
            files = .resource("the RM synthesis files beside the spectra of \(args.values["input.spectra"] ?? "?")")
        }
        let results = args.string("results", default: CommonSignature.rmResults)
        return [files, .resource("the RM synthesis results (components.\(results), field \(field)) of \(CommonSignature.epochOf(args))")]
    }
}
