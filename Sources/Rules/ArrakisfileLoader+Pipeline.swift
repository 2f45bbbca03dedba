import Language
/// The loader with the pipeline's rule kinds, for callers that accept every built-in rule.
extension ArrakisfileLoader {
    public static func load(path: String) throws -> ArrakisfileAST {
        try load(path: path, rules: PipelineRules.catalog)
    }

    public static func parse(source: String, file: String) throws -> ArrakisfileAST {
        try parse(source: source, file: file, rules: PipelineRules.catalog)
    }

    public static func parse(bytes: [UInt8], file: String) throws -> ArrakisfileAST {
        try parse(bytes: bytes, file: file, rules: PipelineRules.catalog)
    }
}
