/// Where an expression appears, which decides what it may refer to.
enum CheckContext: Equatable {
    case letValue
    /// A value in a settings block (`executor slurm { ... }`).
    case block
    /// An element of a list that a `for` loops over.
    case loopList
    case input
    case output
    case manifest
    case param
    /// A product setting such as `cpus` or `shell`.
    case setting(String)
    /// The value in a selection `family[beam = VALUE]`.
    case selectorValue

    /// How messages name the place: "a let value", "an input", "'cpus'", ...
    var description: String {
        switch self {
        case .letValue: return "a let value"
        case .block: return "a settings block"
        case .loopList: return "a 'for' list"
        case .input: return "an input"
        case .output: return "an output"
        case .manifest: return "a manifest"
        case .param: return "a param"
        case .setting(let key): return "'\(key)'"
        case .selectorValue: return "a selector value"
        }
    }

    /// True where only lets are in scope (no product, so no loop variables or params).
    var letsOnly: Bool {
        switch self {
        case .letValue, .block, .loopList: return true
        default: return false
        }
    }

    /// What `{fields}` in a string literal here may name.
    var fieldScope: FieldScope {
        switch self {
        case .letValue, .block, .loopList: return .lets
        case .setting("shell"), .setting("description"): return .shell
        default: return .product
        }
    }
}

/// What the `{fields}` of a template may name.
enum FieldScope {
    /// Lets only.
    case lets
    /// Lets, the product's loop variables and params.
    case product
    /// As `product`, plus `input`, `inputs`, `output`, `outputs` and `manifest`.
    case shell
}

/// The names a product's expressions and templates may use.
struct ProductScope {
    var name: String
    var loopVariables: [String] = []
    var params: [String] = []
    var namedInputs: [String] = []
    var namedOutputs: [String] = []
    var hasManifest = false

    func isLoopVariable(_ name: String) -> Bool { loopVariables.contains(name) }
}
