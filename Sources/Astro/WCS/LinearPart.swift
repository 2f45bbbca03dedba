/// The linear part of a FITS WCS (Calabretta & Greisen 2002, paper II §2): the
/// matrix taking pixel offsets from CRPIXj to intermediate world coordinates.
///
/// A header gives it either as CDi_j, or as CDELTi × PCi_j (PC defaults to the
/// identity, CDELT to 1). Giving both CD and PC is an error: readers disagree
/// about which wins, so the header is ambiguous.
struct LinearPart {
    private struct Index: Hashable { let i: Int, j: Int }
    private let cd: [Index: Double]
    private let pc: [Index: Double]
    private let header: FITSHeader

    /// True when the header uses the CDi_j form.
    var usesCD: Bool { !cd.isEmpty }

    init(header: FITSHeader) throws {
        var cd: [Index: Double] = [:]
        var pc: [Index: Double] = [:]
        for card in try header.indexedCards("CD") { cd[Index(i: card.i, j: card.j)] = card.value }
        for card in try header.indexedCards("PC") { pc[Index(i: card.i, j: card.j)] = card.value }
        if !cd.isEmpty, !pc.isEmpty {
            throw WCSError.inconsistent("the header gives both CDi_j and PCi_j; use one of them")
        }
        self.cd = cd
        self.pc = pc
        self.header = header
    }

    /// True when some PCi_j of world axis `i` is given.
    func hasPC(row i: Int) -> Bool { pc.keys.contains { $0.i == i } }

    /// CDi_j when the header gives it (CD form only).
    func cdElement(_ i: Int, _ j: Int) -> Double? { cd[Index(i: i, j: j)] }

    /// The element (i, j) of the matrix in world units per pixel: CDi_j (default 0)
    /// in the CD form, otherwise CDELTi × PCi_j.
    func element(_ i: Int, _ j: Int) throws -> Double {
        if usesCD { return cd[Index(i: i, j: j)] ?? 0 }
        let cdelt = try header.optionalDouble("CDELT\(i)") ?? 1
        return cdelt * (pc[Index(i: i, j: j)] ?? (i == j ? 1 : 0))
    }

    /// Throws when world axis `i` depends on a pixel axis outside `columns`: the
    /// axes handled here must be separable from the rest of the cube.
    func requireSeparable(row i: Int, from columns: Set<Int>) throws {
        let matrix = usesCD ? cd : pc
        let prefix = usesCD ? "CD" : "PC"
        for (index, value) in matrix where index.i == i && !columns.contains(index.j) && value != 0 {
            throw WCSError.invalid(keyword: "\(prefix)\(index.i)_\(index.j)", value: String(value),
                                   reason: "couples axis \(index.i) with pixel axis \(index.j), which is not supported")
        }
    }
}
