/// `TaskSpec`s in the engine's binary encoding (for `ExpansionCache`).
extension ByteWriter {
    mutating func strings<C: Collection<String>>(_ list: C) {
        u32(UInt32(list.count))
        for s in list { string(s) }
    }

    mutating func ints(_ list: [Int]) {
        u32(UInt32(list.count))
        for i in list { i64(Int64(i)) }
    }

    mutating func pairs(_ list: [(String, String)]) {
        u32(UInt32(list.count))
        for (a, b) in list {
            string(a)
            string(b)
        }
    }

    mutating func taskSpec(_ t: TaskSpec) {
        string(t.key.family)
        strings(t.key.values)
        strings(t.fileInputs)
        ints(t.productInputs)
        ints(t.orderOnly.sorted())
        strings(t.outputs)
        if let m = t.manifest { u8(1); string(m) } else { u8(0) }
        pairs(t.params)
        string(t.ruleKind)
        string(t.ruleVersion)
        switch t.command {
        case .shell(let s):
            u8(0)
            string(s)
        case .builtin(let kind, let arguments):
            u8(1)
            string(kind)
            pairs(arguments.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        }
        i64(Int64(t.resources.cpus))
        i64(Int64(t.resources.memoryMB))
        i64(Int64(t.resources.timeSeconds))
        i64(Int64(t.resources.retries))
        pairs(t.resources.queue.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }
}

extension ByteReader {
    /// A count that cannot exceed what is left to read (each element takes a byte or more).
    mutating func count() throws -> Int {
        let n = Int(try u32())
        guard n <= remaining else { throw Truncated() }
        return n
    }

    /// A list written by `strings`, read as a `PathList` (one path: no array).
    mutating func pathList() throws -> PathList {
        let n = try count()
        if n == 1 { return [try string()] }
        var out = PathList()
        for _ in 0..<n { out.append(try string()) }
        return out
    }

    mutating func strings() throws -> [String] {
        let n = try count()
        var out: [String] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try string()) }
        return out
    }

    mutating func ints() throws -> [Int] {
        let n = try count()
        var out: [Int] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(Int(try i64())) }
        return out
    }

    mutating func pairs() throws -> [(String, String)] {
        let n = try count()
        var out: [(String, String)] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append((try string(), try string())) }
        return out
    }

    /// Moves past one string without making it.
    mutating func skipString() throws {
        try skip(Int(try u32()))
    }

    /// Moves past a list of `perItem` strings per element (a count, then the items).
    private mutating func skipStrings(perItem: Int) throws {
        let n = try count()
        for _ in 0..<(n * perItem) { try skipString() }
    }

    /// Moves past one `TaskSpec` without making it (to find where the next begins).
    mutating func skipTaskSpec() throws {
        try skipString()                   // family
        try skipStrings(perItem: 1)        // key values
        try skipStrings(perItem: 1)        // file inputs
        for _ in 0..<2 {                   // product inputs, order-only inputs
            try skip(try count() * 8)
        }
        try skipStrings(perItem: 1)        // outputs
        if try u8() == 1 { try skipString() }   // manifest
        try skipStrings(perItem: 2)        // params
        try skipString()                   // rule kind
        try skipString()                   // rule version
        switch try u8() {
        case 0: try skipString()
        case 1:
            try skipString()
            try skipStrings(perItem: 2)
        default: throw Truncated()
        }
        try skip(32)                       // cpus, memory, time, retries
        try skipStrings(perItem: 2)        // queue
    }

    mutating func taskSpec() throws -> TaskSpec {
        let key = ProductKey(family: try string(), values: try strings())
        let fileInputs = try pathList()
        let productInputs = try ints()
        let orderOnly = try ints()
        let outputs = try pathList()
        let manifest: String? = try u8() == 1 ? try string() : nil
        let params = try pairs()
        let ruleKind = try string()
        let ruleVersion = try string()
        let command: TaskCommand
        switch try u8() {
        case 0: command = .shell(try string())
        case 1:
            let kind = try string()
            command = .builtin(kind: kind, arguments: Dictionary(try pairs(), uniquingKeysWith: { a, _ in a }))
        default: throw Truncated()
        }
        let resources = Resources(cpus: Int(try i64()), memoryMB: Int(try i64()), timeSeconds: Int(try i64()),
                                  retries: Int(try i64()),
                                  queue: Dictionary(try pairs(), uniquingKeysWith: { a, _ in a }))
        var spec = TaskSpec(key: key, fileInputs: fileInputs, productInputs: productInputs, outputs: outputs,
                            manifest: manifest, params: params, ruleKind: ruleKind, ruleVersion: ruleVersion,
                            command: command, resources: resources)
        spec.orderOnly = Set(orderOnly)
        return spec
    }
}
