// The language's types (the AST, Diagnostic, Value, RuleSignature, ...) are part of what
// Rules offers: callers that import Rules see them as before the split.
@_exported import Language
