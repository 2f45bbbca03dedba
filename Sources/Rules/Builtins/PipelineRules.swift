import Language
import Graph

/// The pipeline's built-in rule kinds, by the names an Arrakisfile's `rule` uses.
public enum PipelineRules {
    static let all: [any PipelineRule.Type] = [
        SourcesRule.self, CutoutsRule.self, RegionRule.self, MosaicsRule.self, SpectraRule.self, FrionRule.self, RMSynthRule.self, RMCleanRule.self, RMSynth3DRule.self, RMClean3DRule.self,
        CatalogueRule.self, SurveyCatalogueRule.self, ValidationRule.self,
    ]

    /// Each kind's runner, by name.
    public static let kinds: [String: any BuiltinRule] = [
        "sources": SourcesRule(),
        "cutouts": CutoutsRule(),
        "region": RegionRule(),
        "mosaics": MosaicsRule(),
        "spectra": SpectraRule(),
        "frion": FrionRule(),
        "rmsynth": RMSynthRule(),
        "rmclean": RMCleanRule(),
        "rmsynth3d": RMSynth3DRule(),
        "rmclean3d": RMClean3DRule(),
        "catalogue": CatalogueRule(),
        "survey_catalogue": SurveyCatalogueRule(),
        "validation": ValidationRule(),
    ]

    /// What each kind accepts, for the checker and the documentation.
    public static let catalog = RuleCatalog(all.map { $0.signature })

    /// The kinds in pipeline order, for the documentation.
    public static let order = all.map { $0.signature.kind }

    /// What an instance of `kind` with these arguments writes besides its declared outputs.
    static func claims(kind: String, arguments: [String: String]) -> [OutputClaim] {
        guard let rule = all.first(where: { $0.signature.kind == kind }) else { return [] }
        return rule.claims(BuiltinArguments(arguments, kind: kind))
    }

    public static func registry() -> BuiltinRegistry {
        var r = BuiltinRegistry()
        for (name, rule) in kinds { r.register(name, rule) }
        return r
    }
}
