import Language
import Store

/// A per-field element of an array in one document: `<path>` holds one element per field
/// (`{field, ...}`), as the original keeps `components.rm_outputs_1d`. Each update reads the
/// document, replaces its field's element and writes it back in one transaction (SQLite),
/// so two fields' tasks updating the same document do not lose each other's element.
enum FieldElementRecord {
    static func update(_ db: PipelineDatabase, _ collection: PipelineCollection, epoch: Int,
                       key: (name: String, value: String), path: String, field: String,
                       _ change: (inout Document) -> Void) throws {
        try db.atomically {
            let doc = try db.find(collection, epoch: epoch, Filter([(key.name, .string(key.value))])).first
            var elements = doc?[path]?.array ?? []
            let index = elements.firstIndex { $0.document?["field"]?.string == field }
            var element = index.flatMap { elements[$0].document } ?? Document([("field", .string(field))])
            change(&element)
            if let index { elements[index] = .document(element) } else { elements.append(.document(element)) }
            try db.upsert(collection, epoch: epoch, [Upsert(key: [key.name: .string(key.value)], set: [(path, .array(elements))])])
        }
    }
}
