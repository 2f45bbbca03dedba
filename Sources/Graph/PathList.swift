/// The paths of one instance (its file inputs, its outputs), as a collection of strings that
/// needs no allocation of its own when it holds none or one.
///
/// Almost every instance of a large fan-out reads one file and writes one. As `[String]`
/// each of those lists is a heap block of 64 bytes besides the string (whose bytes, for a
/// path up to 15 bytes, sit inline): 128 MB for a million instances. Held inline, the single
/// path costs nothing more; lists of two or more are an ordinary array.
public struct PathList: RandomAccessCollection, Hashable, Sendable, ExpressibleByArrayLiteral,
                        CustomStringConvertible {
    private enum Storage: Hashable, Sendable {
        case none
        case one(String)
        case many([String])
    }

    private var storage: Storage

    public init() { storage = .none }

    public init(_ paths: [String]) {
        switch paths.count {
        case 0: storage = .none
        case 1: storage = .one(paths[0])
        default: storage = .many(paths)
        }
    }

    public init<S: Sequence>(_ paths: S) where S.Element == String { self.init(Array(paths)) }

    public init(arrayLiteral paths: String...) { self.init(paths) }

    public var startIndex: Int { 0 }

    public var endIndex: Int {
        switch storage {
        case .none: return 0
        case .one: return 1
        case .many(let a): return a.count
        }
    }

    public subscript(i: Int) -> String {
        switch storage {
        case .one(let p):
            precondition(i == 0, "path \(i) of 1")
            return p
        case .many(let a):
            return a[i]
        case .none:
            preconditionFailure("path \(i) of an empty list")
        }
    }

    public mutating func append(_ path: String) {
        switch storage {
        case .none: storage = .one(path)
        case .one(let p): storage = .many([p, path])
        case .many(var a):
            storage = .none  // `a` is then the only reference: appended in place
            a.append(path)
            storage = .many(a)
        }
    }

    public var array: [String] {
        switch storage {
        case .none: return []
        case .one(let p): return [p]
        case .many(let a): return a
        }
    }

    public var description: String { array.description }
}
