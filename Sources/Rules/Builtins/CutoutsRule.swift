import Astro
import Foundation
import Graph
import Store

/// `rule cutouts` (stage 1), one field of one epoch: for every beam cube of the field, one
/// pass over the cube cuts all the islands that beam sees, into
/// `<cutouts>/<Source_ID>/<Source_ID>.cutout.<cube name>` with the weights file beside it.
/// After each cube its islands' paths are stored in the pipeline database
/// (`beams.<FIELD>.<s>_beam<N>_image_file`, `..._weight_file`), so a failure later loses
/// nothing already cut. The manifest lists every cutout:
/// `source_id stokes beam image weights digest inputs`. A cutout whose island, cube and
/// weights are as at the last build is kept as it is (`UnitReuse`).
///
/// Inputs: `table` (the field's table from `sources`), `cubes`, `weights`.
/// Params: `pad` (restoring-beam widths, default 3), `cutouts` (directory), `database`.
/// Loop variables: `epoch`, `field`.
///
/// An island that gets no cutout at all from this field (off every image) fails the product
/// with its Source_ID and the reason; beams that miss it while others see it are only noted.
public struct CutoutsRule: BuiltinRule {
    public init() {}

    public func run(arguments: [String: String], outputs: [String], log: TaskLog) throws {
        let args = BuiltinArguments(arguments, kind: "cutouts")
        let table = try FieldTable.read(try args.inputPath("table"))
        let cubes = BeamCubeSet(cubes: try args.inputPaths("cubes"), weights: (try? args.inputPaths("weights")) ?? [])
        let cutter = CubeCutter(pad: try args.double("pad", default: 3))
        let directory = try args.string("cutouts")
        let db = try PipelineStoreAccess.pipeline(args)

        var requestsByBeam: [Int: [CutoutRequest]] = [:]
        for island in table.islands {
            let request = CutoutRequest(sourceID: island.sourceID, components: island.components.map {
                CutoutComponent(ra: $0.ra, dec: $0.dec, majorAxisArcsec: $0.maj)
            })
            for b in island.beams { requestsByBeam[b, default: []].append(request) }
        }

        var manifest = "source_id\tstokes\tbeam\timage\tweights\tdigest\tinputs\n"
        var reuse = UnitReuse(manifest: try args.manifestFinalPath(), keyColumns: ["source_id", "stokes", "beam"],
                              fileColumns: ["image", "weights"])
        let pad = arguments["pad"] ?? "3"
        var written: [String: Int] = [:]
        var missed: [String: [String]] = [:]
        for beam in requestsByBeam.keys.sorted() {
            let requests = requestsByBeam[beam]!
            for s in BeamCubeSet.stokes {
                let cube = try cubes.cube(stokes: s, beam: beam, field: table.field)
                let weights = cubes.weights(forCube: cube)
                if weights == nil { log.write("warning: no weights file for \(cube); mosaics will need one") }
                let source = [table.field, pad, UnitReuse.signature(cube), weights.map(UnitReuse.signature) ?? ""]
                var updates: [Upsert] = []
                func record(_ id: String, image: String, weights w: String?, digest: String, inputs: String) {
                    written[id, default: 0] += 1
                    manifest += "\(id)\t\(s)\t\(beam)\t\(image)\t\(w ?? "")\t\(digest)\t\(inputs)\n"
                    var set: [(path: String, value: DocValue)] = [("beams.\(table.field).\(s)_beam\(beam)_image_file", .string(image))]
                    if let w, !w.isEmpty { set.append(("beams.\(table.field).\(s)_beam\(beam)_weight_file", .string(w))) }
                    updates.append(Upsert(key: ["Source_ID": .string(id)], set: set))
                }
                // Islands whose box, cube and weights are as last time keep their cutouts.
                var todo: [CutoutRequest] = []
                var unitInputs: [String: String] = [:]
                for r in requests {
                    let inputs = UnitReuse.inputs(source + r.components.map { "\($0.ra) \($0.dec) \($0.majorAxisArcsec)" })
                    unitInputs[r.sourceID] = inputs
                    if let old = reuse.previous([r.sourceID, s, String(beam)], inputs: inputs) {
                        record(r.sourceID, image: old["image"]!, weights: old["weights"], digest: old["digest"]!, inputs: inputs)
                    } else {
                        todo.append(r)
                    }
                }
                let outcomes: [CutoutOutcome]
                do {
                    outcomes = todo.isEmpty ? [] : try cutter.cut(cube: cube, weights: weights, requests: todo, outputDirectory: directory)
                } catch {
                    throw BuiltinRuleError.failed("\(error)")
                }
                for outcome in outcomes {
                    switch outcome {
                    case .written(let p):
                        record(p.sourceID, image: p.image, weights: p.weights, digest: try ContentDigest.of([p.image, p.weights ?? ""]),
                               inputs: unitInputs[p.sourceID]!)
                    case .failed(let id, let reason):
                        missed[id, default: []].append("beam \(beam) \(s.uppercased()): \(reason)")
                    }
                }
                if !updates.isEmpty { try db.upsert(.beams, epoch: table.epoch, updates) }
            }
            log.write("beam \(beam): \(requests.count) islands")
        }
        if reuse.reused > 0 { log.write("\(reuse.reused) cutouts unchanged since the last build, kept") }
        let lost = table.islands.map(\.sourceID).filter { written[$0, default: 0] == 0 }
        for (id, reasons) in missed.sorted(by: { $0.key < $1.key }) where !lost.contains(id) {
            log.write("note: \(id): " + reasons.joined(separator: "; "))
        }
        if !lost.isEmpty {
            let detail = lost.prefix(20).map { "  \($0): " + (missed[$0]?.first ?? "no beam cube") }.joined(separator: "\n")
            throw BuiltinRuleError.failed("field \(table.field) (epoch \(table.epoch)): \(lost.count) island(s) got no cutout:\n\(detail)"
                                          + (lost.count > 20 ? "\n  ..." : ""))
        }
        try AtomicTextFile.write(manifest, to: try args.manifestPath())
        log.write("\(table.field): \(written.values.reduce(0, +)) cutouts of \(written.count) islands")
    }
}
