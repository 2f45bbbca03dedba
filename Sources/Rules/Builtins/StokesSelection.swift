import Language
import Graph

/// The Stokes parameters a `cutouts`, `mosaics` or `spectra` product handles (its `stokes`
/// param): I, Q and U always, and V when the Arrakisfile asks for it (the original's
/// `-s I Q U V`). Without the param a product handles I, Q and U exactly as before V existed.
struct StokesSelection: Equatable {
    /// The parameters in the order the rules work through them: `i`, `q`, `u`, then `v`.
    let parameters: [String]

    /// I, Q and U: what RM synthesis needs, and the default.
    static let linear = StokesSelection(parameters: ["i", "q", "u"])

    var includesV: Bool { parameters.contains("v") }

    private init(parameters: [String]) { self.parameters = parameters }

    /// The product's `stokes` param (I, Q and U when it is not given).
    init(_ args: BuiltinArguments) throws {
        guard let text = args.values[Self.name] else { self = .linear; return }
        guard let parameters = ParamType.stokesParameters(text) else {
            throw BuiltinRuleError.badArgument(kind: args.kind, name: Self.name, value: text,
                                               expected: ParamType.stokes.description)
        }
        self.parameters = parameters
    }

    static let name = "stokes"

    /// The `stokes` param of a rule that handles `what` per Stokes parameter.
    static func param(_ what: String, note: String = "") -> ParamSpec {
        ParamSpec(name, .stokes, default: "IQU",
                  "the Stokes parameters whose \(what): \"IQU\", or \"IQUV\" for Stokes V as well (the original's `-s I Q U V`)\(note)")
    }
}
