import Language
import Astro
import Dispatch
import Foundation
import Graph
import Store

/// The second half of the cutouts rule, one beam at a time on a thread of its own while
/// the rule cuts the next beam: puts a beam's staged files in place (one filesystem sync,
/// then renames), stores their paths in the pipeline database (one upsert per island for
/// the beam's Stokes cubes) and adds their manifest rows. At most one beam waits:
/// `submit` blocks until the previous beam is committed, and reports its error if it failed.
final class CutoutCommitter: @unchecked Sendable {
    /// One beam's cubes: their files staged in one batch.
    struct Beam: @unchecked Sendable {
        var number: Int
        var islands: Int
        var files = StagedFiles()
        var cubes: [Cube] = []

        init(number: Int, islands: Int) {
            self.number = number
            self.islands = islands
        }
    }

    /// One cube of a beam: cutouts kept from the last build and cutouts staged now.
    struct Cube: Sendable {
        var stokes: String
        var kept: [Kept] = []
        var cut: StagedCutouts?
        /// Each island's unit inputs digest (`UnitReuse.inputs`).
        var inputs: [String: String] = [:]
    }

    struct Kept: Sendable {
        var sourceID: String
        var image: String
        var weights: String?
        var digest: String
    }

    /// What the rule needs at the end.
    struct Outcome {
        var manifest = "source_id\tstokes\tbeam\timage\tweights\tdigest\tinputs\tfield\n"
        /// Cutouts per island.
        var written: [String: Int] = [:]
        /// Why beams missed islands.
        var missed: [String: [String]] = [:]
    }

    private let database: any PipelineDatabase
    private let field: String
    private let epoch: Int
    /// The beams documents' field the paths go under (`beams`, the original's).
    private let record: String
    private let queue = DispatchQueue(label: "arrakis.cutouts.commit")
    private let slot = DispatchSemaphore(value: 1)
    /// Touched only on `queue`, and by the caller once the queue is drained.
    private var outcome = Outcome()
    private var failure: (any Error)?

    init(database: any PipelineDatabase, field: String, epoch: Int, record: String = "beams") {
        self.database = database
        self.field = field
        self.epoch = epoch
        self.record = record
    }

    /// Hands over a beam; waits while the previous one is still being committed.
    func submit(_ beam: Beam, log: TaskLog) throws {
        slot.wait()
        if let failure = queue.sync(execute: { self.failure }) {
            slot.signal()
            throw failure
        }
        queue.async {
            defer { self.slot.signal() }
            do {
                try self.commit(beam)
                log.write("beam \(beam.number): \(beam.islands) islands")
            } catch {
                self.failure = error
            }
        }
    }

    /// Waits for the last beam; the manifest rows and counts, or the first error.
    @discardableResult
    func finish() throws -> Outcome {
        slot.wait()
        defer { slot.signal() }
        return try queue.sync {
            if let failure { throw failure }
            return outcome
        }
    }

    private func commit(_ beam: Beam) throws {
        let failures = beam.files.commit()
        var sets: [String: [(path: String, value: DocValue)]] = [:]
        var order: [String] = []
        for cube in beam.cubes {
            let s = cube.stokes
            func record(_ id: String, image: String, weights w: String?, digest: String) {
                outcome.written[id, default: 0] += 1
                outcome.manifest += "\(id)\t\(s)\t\(beam.number)\t\(image)\t\(w ?? "")\t\(digest)\t\(cube.inputs[id]!)\t\(field)\n"
                if sets[id] == nil { order.append(id) }
                sets[id, default: []].append(("\(self.record).\(field).\(s)_beam\(beam.number)_image_file", .string(image)))
                if let w, !w.isEmpty { sets[id]!.append(("\(self.record).\(field).\(s)_beam\(beam.number)_weight_file", .string(w))) }
            }
            for k in cube.kept { record(k.sourceID, image: k.image, weights: k.weights, digest: k.digest) }
            for result in cube.cut?.outcomes(afterCommit: failures) ?? [] {
                switch result {
                case .written(let p):
                    let digest: String
                    if let image = p.imageDigest, p.weights == nil || p.weightsDigest != nil {
                        digest = ContentDigest.of(digests: [image, p.weightsDigest ?? ""])
                    } else {
                        digest = try ContentDigest.of([p.image, p.weights ?? ""])
                    }
                    record(p.sourceID, image: p.image, weights: p.weights, digest: digest)
                case .failed(let id, let reason):
                    outcome.missed[id, default: []].append("beam \(beam.number) \(s.uppercased()): \(reason)")
                }
            }
        }
        let updates = order.map { Upsert(key: ["Source_ID": .string($0)], set: sets[$0]!) }
        if !updates.isEmpty { try database.upsert(.beams, epoch: epoch, updates) }
    }
}
