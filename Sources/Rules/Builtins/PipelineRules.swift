import Graph

/// The pipeline's built-in rule kinds, by the names an Arrakisfile's `rule` uses.
public enum PipelineRules {
    public static let kinds: [String: any BuiltinRule] = [
        "sources": SourcesRule(),
        "cutouts": CutoutsRule(),
        "mosaics": MosaicsRule(),
        "spectra": SpectraRule(),
        "rmsynth": RMSynthRule(),
        "rmclean": RMCleanRule(),
        "catalogue": CatalogueRule(),
        "survey_catalogue": SurveyCatalogueRule(),
        "validation": ValidationRule(),
    ]

    public static func registry() -> BuiltinRegistry {
        var r = BuiltinRegistry()
        for (name, rule) in kinds { r.register(name, rule) }
        return r
    }
}
