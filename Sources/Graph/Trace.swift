/// What the engine remembers about a product after building it: the fingerprint it was built
/// from, the parts of that fingerprint (to explain a later difference), and its outputs.
public struct Trace: Sendable, Equatable {
    public struct Output: Sendable, Equatable {
        public var path: String
        public var signature: FileSignature
        public var digest: Digest
        public init(path: String, signature: FileSignature, digest: Digest) {
            self.path = path
            self.signature = signature
            self.digest = digest
        }
    }

    public var key: String
    public var family: String
    public var fingerprint: Digest
    /// Digest of rule kind + rule version + command: a change here means "rule changed".
    public var rule: Digest
    public var ruleDescription: String
    public var outputs: [Output]
    /// (name, digest of value), sorted by name.
    public var params: [NamedDigest]
    /// (input name, digest), in declaration order: file paths and upstream product keys.
    public var inputs: [NamedDigest]
    /// The value of each of `params` (same order), as the rule layer wrote it, so that a
    /// later change can be shown as `old -> new`; empty in traces written before values
    /// were kept. Long values are cut to `ParamValue.limit` characters.
    public var paramValues: [String]
    /// (path, digest) of each file the task said it read besides its declared inputs (its
    /// depfile, `TaskSpec.depfile`), as they were when it finished: a later change to one
    /// makes the product stale. Empty for most products.
    public var discovered: [NamedDigest]

    public init(key: String, family: String, fingerprint: Digest, rule: Digest, ruleDescription: String,
                outputs: [Output], params: [NamedDigest], inputs: [NamedDigest], paramValues: [String] = [],
                discovered: [NamedDigest] = []) {
        self.paramValues = paramValues
        self.discovered = discovered
        self.key = key
        self.family = family
        self.fingerprint = fingerprint
        self.rule = rule
        self.ruleDescription = ruleDescription
        self.outputs = outputs
        self.params = params
        self.inputs = inputs
    }

    /// Layout: fixed-size fields and output signatures first, so the no-op check decodes
    /// only what it needs (`TraceSummary`); names and paths after.
    func encode() -> [UInt8] {
        var w = ByteWriter(capacity: 128 + 64 * outputs.count + 40 * inputs.count)
        w.digest(Digest(key))
        w.digest(Digest(family))
        w.digest(fingerprint)
        w.digest(rule)
        // The count's top bit says "has discovered inputs", so the no-op check (which reads
        // only this prefix) knows when it must look further.
        w.u32(UInt32(outputs.count) | (discovered.isEmpty ? 0 : Self.discoveredFlag))
        for o in outputs {
            o.signature.encode(into: &w)
            w.digest(o.digest)
        }
        w.string(key)
        w.string(family)
        w.string(ruleDescription)
        for o in outputs { w.string(o.path) }
        w.u32(UInt32(params.count))
        for p in params { w.string(p.name); w.digest(p.digest) }
        w.u32(UInt32(inputs.count))
        for i in inputs { w.string(i.name); w.digest(i.digest) }
        // Appended last: traces written before it decode with no values.
        if !paramValues.isEmpty || !discovered.isEmpty {
            w.u32(UInt32(paramValues.count))
            for v in paramValues { w.string(v) }
        }
        if !discovered.isEmpty {
            w.u32(UInt32(discovered.count))
            for d in discovered { w.string(d.name); w.digest(d.digest) }
        }
        return w.bytes
    }

    static let discoveredFlag: UInt32 = 1 << 31

    static func decode(_ raw: UnsafeRawBufferPointer) throws -> Trace {
        var r = ByteReader(raw)
        _ = try r.digest()
        _ = try r.digest()
        let fp = try r.digest()
        let rule = try r.digest()
        let n = Int(try r.u32() & ~discoveredFlag)
        var sigs: [(FileSignature, Digest)] = []
        for _ in 0..<n { sigs.append((try FileSignature.decode(&r), try r.digest())) }
        let key = try r.string()
        let family = try r.string()
        let ruleDesc = try r.string()
        var outputs: [Output] = []
        for (s, d) in sigs { outputs.append(Output(path: try r.string(), signature: s, digest: d)) }
        var params: [NamedDigest] = []
        for _ in 0..<Int(try r.u32()) { params.append(NamedDigest(try r.string(), try r.digest())) }
        var inputs: [NamedDigest] = []
        for _ in 0..<Int(try r.u32()) { inputs.append(NamedDigest(try r.string(), try r.digest())) }
        var values: [String] = []
        if r.remaining > 0 {
            for _ in 0..<Int(try r.u32()) { values.append(try r.string()) }
            if values.count != params.count { values = [] }
        }
        var discovered: [NamedDigest] = []
        if r.remaining > 0 {
            for _ in 0..<Int(try r.u32()) { discovered.append(NamedDigest(try r.string(), try r.digest())) }
        }
        return Trace(key: key, family: family, fingerprint: fp, rule: rule, ruleDescription: ruleDesc,
                     outputs: outputs, params: params, inputs: inputs, paramValues: values, discovered: discovered)
    }
}

/// A param's value as a trace keeps it: whole up to `limit` characters, then cut with `...`.
public enum ParamValue {
    public static let limit = 200
    public static func kept(_ value: String) -> String {
        value.count <= limit ? value : String(value.prefix(limit)) + "..."
    }
}

public struct NamedDigest: Sendable, Equatable {
    public var name: String
    public var digest: Digest
    public init(_ name: String, _ digest: Digest) {
        self.name = name
        self.digest = digest
    }
}

/// The part of a trace the no-op check needs, decoded without touching any string.
public struct TraceSummary: Sendable {
    public var fingerprint: Digest
    public var outputs: [(signature: FileSignature, digest: Digest)]
    /// The trace lists discovered inputs (`Trace.discovered`) to check as well.
    public var hasDiscovered = false

    static func decode(_ raw: UnsafeRawBufferPointer) throws -> TraceSummary {
        var r = ByteReader(raw, offset: 32)
        let fp = try r.digest()
        _ = try r.digest()
        let raw = try r.u32()
        let n = Int(raw & ~Trace.discoveredFlag)
        var outs: [(FileSignature, Digest)] = []
        outs.reserveCapacity(n)
        for _ in 0..<n { outs.append((try FileSignature.decode(&r), try r.digest())) }
        return TraceSummary(fingerprint: fp, outputs: outs, hasDiscovered: raw & Trace.discoveredFlag != 0)
    }
}
