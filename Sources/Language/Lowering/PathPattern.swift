/// The set of paths a template or a glob can stand for, before any instance exists: literal
/// characters and wildcards. Used to tell, when the Arrakisfile loads, whether one product's
/// input may be another product's output (`PathLinks`).
package struct PathPattern: Equatable, CustomStringConvertible {
    package enum Atom: Equatable {
        case char(Character)
        /// Exactly one character (`/` only if `slash`).
        case one(slash: Bool)
        /// Any number of characters (`/` only if `slash`).
        case star(slash: Bool)
    }

    package var atoms: [Atom]

    package init(atoms: [Atom]) { self.atoms = atoms }

    /// A field whose value is not known yet: any non-empty text, `/` included (a param or a
    /// manifest value may hold a path).
    package static let unknown = PathPattern(atoms: [.one(slash: true), .star(slash: true)])

    package static func literal(_ text: String) -> PathPattern { PathPattern(atoms: text.map(Atom.char)) }

    static func + (a: PathPattern, b: PathPattern) -> PathPattern { PathPattern(atoms: a.atoms + b.atoms) }

    /// A glob as `Glob` reads it: `*` and `?` within a segment, `{name}` a non-empty part of one.
    package static func glob(_ pattern: String) -> PathPattern {
        let g = Glob(pattern)
        var atoms: [Atom] = g.absolute ? [.char("/")] : []
        for (i, segment) in g.segments.enumerated() {
            if i > 0 { atoms.append(.char("/")) }
            for piece in segment {
                switch piece {
                case .literal(let s): atoms += s.map(Atom.char)
                case .star: atoms.append(.star(slash: false))
                case .question: atoms.append(.one(slash: false))
                case .capture: atoms += [.one(slash: false), .star(slash: false)]
                }
            }
        }
        return PathPattern(atoms: atoms)
    }

    /// `./a//b` as `a/b`, in the literal text (wildcards are left as they are).
    var normalised: PathPattern {
        var out: [Atom] = []
        var i = 0
        while i + 1 < atoms.count, atoms[i] == .char("."), atoms[i + 1] == .char("/") { i += 2 }
        while i < atoms.count {
            if atoms[i] == .char("/"), out.last == .char("/") { i += 1; continue }
            out.append(atoms[i])
            i += 1
        }
        if out.count > 1, out.last == .char("/") { out.removeLast() }
        return PathPattern(atoms: out)
    }

    /// Whether some path matches both patterns.
    package func intersects(_ other: PathPattern) -> Bool {
        let a = normalised.atoms, b = other.normalised.atoms
        let width = b.count + 1
        var seen = [Bool](repeating: false, count: (a.count + 1) * width)
        var stack = [(0, 0)]
        func push(_ i: Int, _ j: Int) {
            guard !seen[i * width + j] else { return }
            seen[i * width + j] = true
            stack.append((i, j))
        }
        seen[0] = true
        while let (i, j) = stack.popLast() {
            if i == a.count && j == b.count { return true }
            // A star may match nothing.
            if i < a.count, case .star = a[i] { push(i + 1, j) }
            if j < b.count, case .star = b[j] { push(i, j + 1) }
            // Or both consume one character they can share.
            guard i < a.count, j < b.count, Self.compatible(a[i], b[j]) else { continue }
            let ni = Self.isStar(a[i]) ? i : i + 1
            let nj = Self.isStar(b[j]) ? j : j + 1
            if ni != i || nj != j { push(ni, nj) }
        }
        return false
    }

    private static func isStar(_ x: Atom) -> Bool { if case .star = x { return true } else { return false } }

    private static func compatible(_ x: Atom, _ y: Atom) -> Bool {
        switch (x, y) {
        case (.char(let c), .char(let d)): return c == d
        case (.char(let c), .one(let slash)), (.char(let c), .star(let slash)),
             (.one(let slash), .char(let c)), (.star(let slash), .char(let c)):
            return c != "/" || slash
        default: return true   // any character but '/' fits both
        }
    }

    package var description: String {
        atoms.map { a -> String in
            switch a {
            case .char(let c): return String(c)
            case .one: return "?"
            case .star: return "*"
            }
        }.joined()
    }
}
