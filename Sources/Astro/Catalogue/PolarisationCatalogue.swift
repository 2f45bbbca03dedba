/// The polarisation catalogue: one row per (component, field, epoch), RMTable v1.3 columns
/// plus the original's extras and flags, held in memory as typed columns. Both writers
/// (`writeVOTable`, `writeFITS`) write this same table.
///
/// Field-relative flags (leakage, channel, local RM, blending) are computed within each
/// (field, epoch) group of the components given, so a field's catalogue and the survey
/// catalogue (`survey`) agree row for row.
public struct PolarisationCatalogue: Sendable {
    /// Columns in output order, all of `rowCount` values.
    public private(set) var columns: [CatalogueColumn]
    /// One per (field, epoch) group, in order of first appearance.
    public private(set) var diagnostics: [CatalogueDiagnostics]
    public var rowCount: Int { columns.first?.values.count ?? 0 }

    /// Builds the catalogue from components (any order; rows keep it).
    /// Throws for the same component twice in one field and epoch.
    public init(components: [CatalogueComponent], options: CatalogueOptions = CatalogueOptions()) throws(CatalogueError) {
        columns = []
        diagnostics = []
    }

    /// The survey-wide catalogue: the field catalogues' rows one after another (each keeps
    /// the flags computed in its field). Throws when their columns differ.
    public static func survey(_ fields: [PolarisationCatalogue]) throws(CatalogueError) -> PolarisationCatalogue {
        fields.first ?? PolarisationCatalogue(columns: [], diagnostics: [])
    }

    init(columns: [CatalogueColumn], diagnostics: [CatalogueDiagnostics]) {
        self.columns = columns
        self.diagnostics = diagnostics
    }

    /// The column with this name (exact).
    public subscript(column name: String) -> CatalogueColumn? {
        columns.first { $0.name == name }
    }
}
