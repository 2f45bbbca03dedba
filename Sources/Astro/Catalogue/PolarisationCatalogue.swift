/// The polarisation catalogue: one row per (component, field, epoch), RMTable v1.3 columns
/// plus the original's extras and flags, held in memory as typed columns. Both writers
/// (`writeVOTable`, `writeFITS`) write this same table.
///
/// Field-relative flags (leakage, channel, local RM, blending) are computed within each
/// (field, epoch) group of the components given, so a field's catalogue and the survey
/// catalogue (`survey`) agree row for row. A component seen in several fields or epochs
/// keeps one row per (field, epoch): they are separate measurements (the `field` and
/// `field_epoch` columns tell them apart); nothing is averaged or dropped.
public struct PolarisationCatalogue: Sendable {
    /// Columns in output order, all of `rowCount` values.
    public private(set) var columns: [CatalogueColumn]
    /// One per (field, epoch) group, in order of first appearance.
    public private(set) var diagnostics: [CatalogueDiagnostics]
    public var rowCount: Int { columns.first?.values.count ?? 0 }

    /// Builds the catalogue from components (any order; rows keep it).
    /// Throws for the same component twice in one field and epoch, and for a summary that
    /// lacks a key the catalogue needs or holds the wrong kind of value.
    public init(components: [CatalogueComponent], options: CatalogueOptions = CatalogueOptions()) throws(CatalogueError) {
        var groups: [GroupKey: [Int]] = [:]
        var order: [GroupKey] = []
        var seen = Set<RowKey>()
        for (i, c) in components.enumerated() {
            let row = RowKey(component: c.stokesI.gaussianID, field: c.observation.field, epoch: c.observation.epoch)
            guard seen.insert(row).inserted else {
                throw .duplicateRow(component: row.component, field: row.field, epoch: row.epoch)
            }
            let key = GroupKey(field: c.observation.field, epoch: c.observation.epoch)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(i)
        }
        var rows: [CatalogueRow] = []
        rows.reserveCapacity(components.count)
        for c in components { rows.append(try CatalogueRow(c)) }
        let flagger = FieldFlagger(options: options)
        diagnostics = order.map { key in
            let indices = groups[key]!
            return flagger.apply(to: &rows, indices: indices, observation: components[indices[0]].observation)
        }
        columns = CatalogueSchema.specs(options).map { spec in
            CatalogueColumn(spec.name, spec.values(rows), unit: spec.unit, ucd: spec.ucd, description: spec.description)
        }
    }

    /// The survey-wide catalogue: the field catalogues' rows one after another (each keeps
    /// the flags computed in its field). Throws when their columns differ (names, units,
    /// kinds) or when a (component, field, epoch) row appears in two of them.
    public static func survey(_ fields: [PolarisationCatalogue]) throws(CatalogueError) -> PolarisationCatalogue {
        guard var result = fields.first else {
            return try PolarisationCatalogue(components: [])
        }
        for next in fields.dropFirst() {
            guard next.columns.count == result.columns.count else {
                throw .columnMismatch("\(result.columns.count) columns and \(next.columns.count) columns")
            }
            for (k, column) in next.columns.enumerated() {
                try result.columns[k].append(column)
            }
            result.diagnostics += next.diagnostics
        }
        try result.checkUniqueRows()
        return result
    }

    init(columns: [CatalogueColumn], diagnostics: [CatalogueDiagnostics]) {
        self.columns = columns
        self.diagnostics = diagnostics
    }

    /// The column with this name (exact).
    public subscript(column name: String) -> CatalogueColumn? {
        columns.first { $0.name == name }
    }

    private func checkUniqueRows() throws(CatalogueError) {
        guard let ids = self[column: "cat_id"]?.texts, let fields = self[column: "field"]?.texts,
              let epochs = self[column: "field_epoch"]?.integers else { return }
        var seen = Set<RowKey>()
        for i in ids.indices {
            let key = RowKey(component: ids[i], field: fields[i], epoch: epochs[i] ?? 0)
            guard seen.insert(key).inserted else {
                throw .duplicateRow(component: key.component, field: key.field, epoch: key.epoch)
            }
        }
    }

    private struct GroupKey: Hashable {
        var field: String
        var epoch: Int
    }

    private struct RowKey: Hashable {
        var component: String
        var field: String
        var epoch: Int
    }
}

extension CatalogueColumn {
    /// Appends another catalogue's values of the same column.
    mutating func append(_ other: CatalogueColumn) throws(CatalogueError) {
        guard other.name == name, other.unit == unit else {
            throw .columnMismatch("column \(name) (\(unit.fits)) meets \(other.name) (\(other.unit.fits))")
        }
        switch (values, other.values) {
        case (.real(let a), .real(let b)): values = .real(a + b)
        case (.integer(let a), .integer(let b)): values = .integer(a + b)
        case (.logical(let a), .logical(let b)): values = .logical(a + b)
        case (.text(let a), .text(let b)): values = .text(a + b)
        default: throw .columnMismatch("column \(name) holds different kinds of values")
        }
    }
}
