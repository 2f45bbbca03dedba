import Dispatch
import Synchronization

/// The product instances expanded so far, with indexes for selection and dependents.
/// Families are added whole, in dependency order; instances are never removed.
public final class BuildGraph: @unchecked Sendable {
    public private(set) var tasks = TaskTable()
    public private(set) var keyText: [String] = []
    public private(set) var keyDigests: [Digest] = []
    /// family name -> its instances (a contiguous range, added at once)
    public private(set) var families: [String: Range<InstanceID>] = [:]
    public private(set) var familyOrder: [String] = []
    /// Family name -> its position in `familyOrder`.
    public private(set) var familyIndex: [String: Int] = [:]
    /// Each instance's family, as a position in `familyOrder`.
    public private(set) var familyOf: [Int32] = []
    public private(set) var familyVariables: [String: [String]] = [:]
    public private(set) var dependents = DependentsTable()
    /// Built lazily, possibly from several expansion threads at once.
    private let selectionIndexes = Mutex<[String: [[String]: [InstanceID]]]>([:])
    private let singleIndexes = Mutex<[String: [String: [InstanceID]]]>([:])
    private var keyIndex: [ProductKey: InstanceID]?
    /// Who writes each declared output and claimed directory or resource.
    private var owners = OutputOwners()

    public init() {}

    public var count: Int { tasks.count }

    /// Reads one instance in place (no copy of its arrays and strings).
    @inline(__always)
    func withTask<R>(_ id: InstanceID, _ body: (UnsafePointer<TaskSpec>) throws -> R) rethrows -> R {
        try tasks.withTask(id, body)
    }

    /// Instance `id`'s outputs, read in place (`tasks[id].outputs` copies the whole
    /// instance first, retaining every string and array it holds).
    public func outputs(of id: InstanceID) -> PathList { tasks.withTask(id) { $0.pointee.outputs } }

    /// Instance `id`'s manifest, read in place.
    public func manifest(of id: InstanceID) -> String? { tasks.withTask(id) { $0.pointee.manifest } }

    public func isExpanded(_ family: String) -> Bool { families[family] != nil }

    public func instances(of family: String) -> Range<InstanceID> { families[family] ?? 0..<0 }

    /// Adds a family's instances; rejects duplicate keys, and instances that would write
    /// what another instance writes (`OutputConflict`). A file input that an instance of an
    /// earlier family declares as an output becomes a dependency on it (as in make); one in
    /// a directory an earlier instance owns, an order-only one (`TaskSpec.orderOnly`).
    /// `linksInputs` false skips the file-input links: the rule layer knows when no input
    /// of the family can be another family's output.
    @discardableResult
    public func add(family: String, variables: [String], tasks new: [TaskSpec], linksInputs: Bool = true) throws -> Range<InstanceID> {
        let start = tasks.count
        var new = new
        linkInputs(&new, linksInputs: linksInputs)
        // Key texts, their digests and the duplicate check on another thread while this one
        // records the outputs: for a big fan-out both are a pass over every instance.
        let specs = new
        let keyed = Mutex<(texts: [String], digests: [Digest], duplicate: Int?)>(([], [], nil))
        let keying = DispatchGroup()
        DispatchQueue.global(qos: .userInitiated).async(group: keying) {
            let (texts, digests) = Self.keyTexts(specs)
            let duplicate = Self.firstDuplicate(digests, specs)
            keyed.withLock { $0 = (texts, digests, duplicate) }
        }
        do {
            try claimOutputs(specs, family: family, start: start)
        } catch {
            keying.wait()
            throw error
        }
        keying.wait()
        let (texts, digests, duplicate) = keyed.withLock { ($0.texts, $0.digests, $0.duplicate) }
        if let i = duplicate {
            throw ExpansionError(family: family, message: "two instances have the same key \(new[i].key)")
        }
        tasks.append(segment: new)
        if keyText.isEmpty { keyText = texts } else { keyText.append(contentsOf: texts) }
        keyDigests.append(contentsOf: digests)
        dependents.grow(by: new.count)
        for i in new.indices where !new[i].productInputs.isEmpty {
            for up in new[i].productInputs { dependents.add(start + i, of: up) }
        }
        let range = start..<tasks.count
        families[family] = range
        familyIndex[family] = familyOrder.count
        familyOf.append(contentsOf: repeatElement(Int32(familyOrder.count), count: new.count))
        familyOrder.append(family)
        familyVariables[family] = variables
        keyIndex = nil
        return range
    }

    /// The first instance whose key another instance before it has: the key digests find
    /// candidates, the values decide.
    private static func firstDuplicate(_ digests: [Digest], _ specs: [TaskSpec]) -> Int? {
        var seen = DigestIndex(capacity: specs.count)
        for (i, d) in digests.enumerated() {
            if i + 8 < digests.count { seen.prefetch(digests[i + 8]) }
            if let j = seen.update(Int32(i), forKey: d), specs[Int(j)].key.values == specs[i].key.values { return i }
        }
        return nil
    }

    /// Links file inputs to earlier families' producers.
    private func linkInputs(_ new: inout [TaskSpec], linksInputs: Bool) {
        guard linksInputs, !owners.isEmpty else { return }
        for i in new.indices where !new[i].fileInputs.isEmpty {
            for path in new[i].fileInputs {
                guard let (producer, viaDirectory) = owners.producer(of: path),
                      !new[i].productInputs.contains(producer) else { continue }
                new[i].productInputs.append(producer)
                if viaDirectory { new[i].orderOnly.insert(producer) }
            }
        }
    }

    /// Records what the new instances write, refusing any that another instance already writes.
    private func claimOutputs(_ new: [TaskSpec], family: String, start: Int) throws {
        func key(_ id: InstanceID) -> String { id < start ? keyText[id] : Self.text(new[id - start].key) }
        func owner(_ id: InstanceID) -> String { id < start ? tasks[id].key.family : family }
        let directoriesBefore = owners.directoryClaims
        if let (other, id, what) = owners.add(new, start: start) {
            throw OutputConflict(what: what, first: key(other), firstFamily: owner(other), second: key(id), secondFamily: family)
        }
        // A directory claimed now may hold files declared before it.
        let claimedNow = owners.directoryClaims.filter { directoriesBefore[$0.key] == nil }
        guard !claimedNow.isEmpty else { return }
        for (dir, id) in claimedNow {
            let inside = dir + "/"
            for other in 0..<(start + new.count) where other != id {
                let outputs = other < start ? tasks[other].outputs : new[other - start].outputs
                if let o = outputs.first(where: { OutputOwners.normal($0).hasPrefix(inside) }) {
                    throw OutputConflict(what: "\(o), in the directory \(dir)", first: key(other), firstFamily: owner(other),
                                         second: key(id), secondFamily: owner(id))
                }
            }
        }
    }

    /// `key.description`, built in one buffer.
    private static func text(_ k: ProductKey) -> String {
            if k.values.isEmpty { return k.family }
            var s = k.family
            s.reserveCapacity(k.family.utf8.count + 2 + k.values.reduce(0) { $0 + $1.utf8.count + 2 })
            s += "["
            for (i, v) in k.values.enumerated() {
                if i > 0 { s += ", " }
                s += v
            }
            s += "]"
            return s
    }

    private static func keyTexts(_ specs: [TaskSpec]) -> ([String], [Digest]) {
        let n = specs.count
        var texts = [String](repeating: "", count: n)
        var digests = [Digest](repeating: .zero, count: n)
        let chunks = n < 4096 ? 1 : 4 * ProcessorCount.value
        texts.withUnsafeMutableBufferPointer { tb in
            digests.withUnsafeMutableBufferPointer { db in
                let t = UncheckedBox(tb), d = UncheckedBox(db)
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    for i in n * c / chunks..<n * (c + 1) / chunks {
                        let s = Self.text(specs[i].key)
                        t.value[i] = s
                        d.value[i] = Digest(s)
                    }
                }
            }
        }
        return (texts, digests)
    }

    /// Instances of `family` whose variables named in `where` have the given values.
    public func select(_ family: String, where constraints: [(variable: String, value: String)]) -> [InstanceID] {
        let range = instances(of: family)
        if constraints.isEmpty { return Array(range) }
        let vars = familyVariables[family] ?? []
        let positions = constraints.map { c in vars.firstIndex(of: c.variable) ?? -1 }
        if positions.contains(-1) { return [] }
        let indexName = family + "\u{1}" + positions.map(String.init).joined(separator: ",")
        let wanted = constraints.map(\.value)
        if positions.count == 1 {
            // One variable (the usual `input copy[d]`): keyed by the value itself, no array per instance.
            let p = positions[0]
            return singleIndexes.withLock { indexes in
                if let index = indexes[indexName] { return index[wanted[0]] ?? [] }
                var index: [String: [InstanceID]] = [:]
                for id in range { index[tasks.withTask(id) { $0.pointee.key.values[p] }, default: []].append(id) }
                indexes[indexName] = index
                return index[wanted[0]] ?? []
            }
        }
        return selectionIndexes.withLock { indexes in
            if let index = indexes[indexName] { return index[wanted] ?? [] }
            var index: [[String]: [InstanceID]] = [:]
            for id in range {
                let v = tasks.withTask(id) { $0.pointee.key.values }
                index[positions.map { v[$0] }, default: []].append(id)
            }
            indexes[indexName] = index
            return index[wanted] ?? []
        }
    }

    public func instance(forKey key: ProductKey) -> InstanceID? {
        if keyIndex == nil {
            var idx: [ProductKey: InstanceID] = [:]
            idx.reserveCapacity(tasks.count)
            for i in tasks.indices { idx[tasks.withTask(i) { $0.pointee.key }] = i }
            keyIndex = idx
        }
        return keyIndex?[key]
    }

    /// The instance that writes `path` (as declared), if any.
    public func instance(forOutput path: String) -> InstanceID? {
        owners.file(path)
    }
}
