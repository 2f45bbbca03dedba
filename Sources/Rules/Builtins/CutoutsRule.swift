import Language
import Astro
import Foundation
import Graph
import Store

/// `rule cutouts` (stage 1), one field of one epoch: for every beam cube of the field, one
/// pass over the cube cuts all the islands that beam sees, into
/// `<cutouts>/<Source_ID>/<Source_ID>.cutout.<cube name>` with the weights file beside it.
/// After each beam (its I, Q and U cubes, and V with `stokes = "IQUV"`) its islands' paths
/// are stored in the pipeline database (`beams.<FIELD>.<s>_beam<N>_image_file`,
/// `..._weight_file`, one upsert per island), so a failure later loses nothing already cut.
/// The manifest lists every cutout:
/// `source_id stokes beam image weights digest inputs field`. A cutout whose island, cube and
/// weights are as at the last build is kept as it is (`UnitReuse`).
///
/// The files of a beam are written under temporary names and put in place together by a
/// `CutoutCommitter` (one filesystem sync, renames, the database, the manifest rows) while
/// the next beam is being cut; the digests of the files come from the bytes as they are
/// written, not from reading them back.
///
/// Inputs: `table` (the field's table from `sources`), `cubes`, `weights`.
/// Params: `pad` (restoring-beam widths, default 3), `cutouts` (directory), `stokes`, `database`,
/// `max_memory_mb` (the memory for pixels in flight, default 1024: `CubeCutter.memoryBudget`).
/// Loop variables: `epoch`, `field`.
///
/// An island that gets no cutout at all from this field (off every image) fails the product
/// with its Source_ID and the reason; beams that miss it while others see it are only noted.
public struct CutoutsRule: BuiltinRule {
    public init() {}

    /// What wcslib had to repair in a cube's header (a legacy CROTA, NCP, nonstandard units),
    /// said once per cube in the task's log, as astropy warns.
    static func logFixes(_ cube: String, _ log: TaskLog) {
        guard let header = try? FITSFile.open(cube).readHeader(), let wcs = try? CelestialWCS(header: header) else { return }
        for fix in wcs.fixes { log.write("note: \(cube): wcslib fixed the header: \(fix)") }
    }

    public func run(arguments: [String: String], outputs: [String], log: TaskLog) throws {
        let args = BuiltinArguments(arguments, kind: "cutouts")
        let table = try FieldTable.read(try args.inputPath("table"))
        let cubes = BeamCubeSet(cubes: try args.inputPaths("cubes"), weights: (try? args.inputPaths("weights")) ?? [])
        let stokes = try StokesSelection(args)
        var cutter = CubeCutter(pad: try args.double("pad", default: 3),
                                contentDigest: { Digest(bytes: $0).description })
        cutter.memoryBudget = Int(try args.double("max_memory_mb", default: 1024) * 1_048_576)
        let directory = try args.string("cutouts")
        let committer = CutoutCommitter(database: try PipelineStoreAccess.pipeline(args), field: table.field,
                                        epoch: table.epoch, record: args.string("results", default: CommonSignature.beamsRecord))

        var requestsByBeam: [Int: [CutoutRequest]] = [:]
        for island in table.islands {
            let request = CutoutRequest(sourceID: island.sourceID, components: island.components.map {
                CutoutComponent(ra: $0.ra, dec: $0.dec, majorAxisArcsec: $0.maj)
            })
            for b in island.beams { requestsByBeam[b, default: []].append(request) }
        }

        var reuse = UnitReuse(manifest: try args.manifestFinalPath(), keyColumns: ["source_id", "stokes", "beam"],
                              fileColumns: ["image", "weights"])
        let pad = arguments["pad"] ?? "3"
        do {
            for beam in requestsByBeam.keys.sorted() {
                let requests = requestsByBeam[beam]!
                var batch = CutoutCommitter.Beam(number: beam, islands: requests.count)
                var jobs: [(cube: Int, job: CutoutJob)] = []
                for s in stokes.parameters {
                    let cube = try cubes.cube(stokes: s, beam: beam, field: table.field)
                    let weights = cubes.weights(forCube: cube)
                    if weights == nil { log.write("warning: no weights file for \(cube); mosaics will need one") }
                    Self.logFixes(cube, log)
                    let source = [table.field, pad, UnitReuse.signature(cube), weights.map(UnitReuse.signature) ?? ""]
                    // Islands whose box, cube and weights are as last time keep their cutouts.
                    var cubeBatch = CutoutCommitter.Cube(stokes: s)
                    var todo: [CutoutRequest] = []
                    for r in requests {
                        let inputs = UnitReuse.inputs(source + r.components.map { "\($0.ra) \($0.dec) \($0.majorAxisArcsec)" })
                        cubeBatch.inputs[r.sourceID] = inputs
                        if let old = reuse.previous([r.sourceID, s, String(beam)], inputs: inputs) {
                            cubeBatch.kept.append(.init(sourceID: r.sourceID, image: old["image"]!, weights: old["weights"],
                                                        digest: old["digest"]!))
                        } else {
                            todo.append(r)
                        }
                    }
                    if !todo.isEmpty { jobs.append((batch.cubes.count, CutoutJob(cube: cube, weights: weights, requests: todo))) }
                    batch.cubes.append(cubeBatch)
                }
                // The beam's cubes in one call: one reader goes from cube to cube.
                do {
                    let cut = try cutter.stage(jobs.map(\.job), outputDirectory: directory, into: batch.files)
                    for (k, job) in jobs.enumerated() { batch.cubes[job.cube].cut = cut[k] }
                } catch {
                    throw BuiltinRuleError.failed("\(error)")
                }
                try committer.submit(batch, log: log)
            }
        } catch {
            _ = try? committer.finish()   // what is already cut stays recorded
            throw error
        }
        let outcome = try committer.finish()
        if reuse.reused > 0 { log.write("\(reuse.reused) cutouts unchanged since the last build, kept") }
        let lost = table.islands.map(\.sourceID).filter { outcome.written[$0, default: 0] == 0 }
        for (id, reasons) in outcome.missed.sorted(by: { $0.key < $1.key }) where !lost.contains(id) {
            log.write("note: \(id): " + reasons.joined(separator: "; "))
        }
        if !lost.isEmpty {
            let detail = lost.prefix(20).map { "  \($0): " + (outcome.missed[$0]?.first ?? "no beam cube") }.joined(separator: "\n")
            throw BuiltinRuleError.failed("field \(table.field) (epoch \(table.epoch)): \(lost.count) island(s) got no cutout:\n\(detail)"
                                          + (lost.count > 20 ? "\n  ..." : ""))
        }
        try AtomicTextFile.write(outcome.manifest, to: try args.manifestPath())
        log.write("\(table.field): \(outcome.written.values.reduce(0, +)) cutouts of \(outcome.written.count) islands")
    }
}
