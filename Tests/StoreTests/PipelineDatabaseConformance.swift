import Testing
import Store

/// What every `PipelineDatabase` backend must do alike. Each check records its own issues
/// (Swift Testing `#expect`) and uses epochs no other test uses, which it leaves behind
/// (the caller drops them).
enum PipelineDatabaseConformance {
    /// The JSON text of documents: compares field order, ints vs doubles, and NaN.
    static func text(_ docs: [Document]) -> [String] { docs.map { JSONText.encode(.document($0)) } }

    static let field1 = "RACS_1237+12A", field2 = "RACS_1240+12A"

    /// Catalogue-like components: key first, then the set paths in order.
    static func componentLoad(_ ra: Double = 187.5) -> [Upsert] {
        [
            Upsert(key: ["Gaussian_ID": "RACS_1237+12A_1a"], set: [
                ("Source_ID", "RACS_1237+12A_1"), ("RA", .double(ra)), ("Dec", -12.25),
                ("Total_flux_Gaussian", 12.0), ("N_Gaus", 3), ("Maj", .double(.nan)),
                ("Big", .int(1 << 40)), ("Flag", true), ("Note", nil), ("Name", "ünïcode ✓ \"q\""),
            ]),
            Upsert(key: ["Gaussian_ID": "RACS_1237+12A_1b"], set: [
                ("Source_ID", "RACS_1237+12A_1"), ("RA", 187.25), ("Dec", -12.5),
                ("Total_flux_Gaussian", 0.5), ("N_Gaus", 3), ("Maj", 14.5),
                ("Big", 0), ("Flag", false), ("Note", "x"), ("Name", ""),
            ]),
        ]
    }

    static func expected(_ updates: [Upsert]) -> [Document] {
        updates.map { u in
            var d = u.key
            for (path, value) in u.set { d.set(path, value) }
            return d
        }
    }

    /// Upsert then find returns the documents as set: field order, nested beams arrays,
    /// ints vs doubles, NaN, null, Unicode; dotted filters.
    static func upsertThenFind(_ db: any PipelineDatabase, epoch: Int) throws {
        let components = componentLoad()
        try db.upsert(.components, epoch: epoch, components)
        #expect(text(try db.find(.components, epoch: epoch, .all)) == text(expected(components)))

        let beams = [
            Upsert(key: ["Source_ID": "RACS_1237+12A_1"], set: [
                ("Source_Name", "RACS J123700+120000"), ("n_fields", 2), ("n_fields_DR1", 1),
                ("beams.\(field1).beam_list", [1, 2, 3]), ("beams.\(field1).SBIDs", [8576]),
                ("beams.\(field1).DR1", true),
                ("beams.\(field2).beam_list", [0]), ("beams.\(field2).SBIDs", [8577, 8578]),
                ("beams.\(field2).DR1", false),
            ]),
            Upsert(key: ["Source_ID": "RACS_1237+12A_2"], set: [
                ("Source_Name", "RACS J123701+120001"), ("n_fields", 1), ("n_fields_DR1", 0),
                ("beams.\(field2).beam_list", [35]), ("beams.\(field2).SBIDs", [8577]),
                ("beams.\(field2).DR1", false),
            ]),
        ]
        try db.upsert(.beams, epoch: epoch, beams)
        let found = try db.find(.beams, epoch: epoch, .all)
        #expect(text(found) == text(expected(beams)))
        #expect(found.first?.value(at: "beams.\(field1).beam_list") == [1, 2, 3])
        #expect(found.first?.value(at: "beams").map { $0.document?.keys ?? [] } == [field1, field2])

        let dr1 = try db.find(.beams, epoch: epoch, Filter([("beams.\(field1).DR1", true)]))
        #expect(dr1.map { $0["Source_ID"] } == ["RACS_1237+12A_1"])
        let byInt = try db.find(.components, epoch: epoch, Filter([("Source_ID", "RACS_1237+12A_1"), ("N_Gaus", 3)]))
        #expect(byInt.count == 2)
        #expect(try db.find(.components, epoch: epoch, Filter([("Flag", true)])).map { $0["Gaussian_ID"] } == ["RACS_1237+12A_1a"])
    }

    /// A later upsert that sets some paths keeps every other field: results stored by a
    /// stage survive re-loading the catalogue; a key repeated in one call makes one document.
    static func partialUpsertKeepsFields(_ db: any PipelineDatabase, epoch: Int) throws {
        try db.upsert(.components, epoch: epoch, componentLoad())
        let result: DocValue = [.document([
            "field": .string(field1), "rmsynth1d": true,
            "rm1dfiles": .document(["FDF_dirty": "RACS_1237+12A_1a_FDFdirty.dat"]),
            "header": .document(["BMAJ": 0.0025, "NAXIS": 3]),
            "rmsynth_summary": .document(["phiPeakPIfit_rm2": 12.5, "snrPIfit": 8.25, "dFDFcorMAD": .double(.nan)]),
            "spectra": .document(["freq": [8.0e8, 8.01e8], "stokesI": [1.5, 1.25]]),
            "rmclean1d": false, "rmclean_summary": .document([:]),
        ])]
        try db.upsert(.components, epoch: epoch, [Upsert(key: ["Gaussian_ID": "RACS_1237+12A_1a"], set: [("rm_outputs_1d", result)])])

        // Re-load the catalogue with a changed RA: the result stays, RA changes in place.
        let reload = componentLoad(188.0)
        try db.upsert(.components, epoch: epoch, reload)
        var want = expected(reload)
        want[0]["rm_outputs_1d"] = result
        #expect(text(try db.find(.components, epoch: epoch, .all)) == text(want))

        // The same key twice in one call: one document, both sets applied in order.
        try db.upsert(.islands, epoch: epoch, [
            Upsert(key: ["Source_ID": "RACS_1"], set: [("Peak_flux", 1.5), ("Tile_ID", "x")]),
            Upsert(key: ["Source_ID": "RACS_1"], set: [("Tile_ID", .string(field1))]),
            Upsert(key: ["Source_ID": "RACS_1"], set: []),
        ])
        #expect(text(try db.find(.islands, epoch: epoch, .all))
                == text([["Source_ID": "RACS_1", "Peak_flux": 1.5, "Tile_ID": .string(field1)]]))
        try db.upsert(.islands, epoch: epoch, [])
        #expect(try db.count(.islands, epoch: epoch) == 1)
    }

    /// `find` orders by the key fields (strings by bytes, numbers by value), whatever the
    /// upsert order; compound keys sort field by field.
    static func keyOrderSorting(_ db: any PipelineDatabase, epoch: Int) throws {
        try db.upsert(.islands, epoch: epoch, ["RACS_2", "RACS_10", "RACS_1", "RACS_1a"].map {
            Upsert(key: ["Source_ID": .string($0)], set: [("n", 1)])
        })
        #expect(try db.find(.islands, epoch: epoch, .all).map { $0["Source_ID"] } == ["RACS_1", "RACS_10", "RACS_1a", "RACS_2"])

        let fields: [(String, Int64)] = [("B", 2), ("A", 10), ("A", 9), ("B", 1)]
        try db.upsert(.fields, epoch: epoch, fields.map {
            Upsert(key: ["FIELD_NAME": .string($0.0), "SBID": .int($0.1)], set: [("SELECT", 1)])
        })
        let sorted = try db.find(.fields, epoch: epoch, .all)
        #expect(sorted.map { "\($0["FIELD_NAME"]?.string ?? "")\($0["SBID"]?.int ?? -1)" } == ["A9", "A10", "B1", "B2"])
        #expect(sorted.first?.keys == ["FIELD_NAME", "SBID", "SELECT"])

        var beamInf: [Upsert] = []
        for beam in [35, 0, 10] as [Int64] {
            for sbid in [8577, 8576] as [Int64] {
                beamInf.append(Upsert(key: ["FIELD_NAME": "F", "SBID": .int(sbid), "BEAM_NUM": .int(beam)], set: [("RA_DEG", 1.5)]))
            }
        }
        try db.upsert(.beamInf, epoch: epoch, beamInf)
        #expect(try db.find(.beamInf, epoch: epoch, .all).map { [$0["SBID"]!, $0["BEAM_NUM"]!] }
                == [[8576, 0], [8576, 10], [8576, 35], [8577, 0], [8577, 10], [8577, 35]])
    }

    /// `count` per collection; zero for empty collections and unknown epochs.
    static func count(_ db: any PipelineDatabase, epoch: Int) throws {
        #expect(try db.count(.components, epoch: epoch) == 0)
        try db.upsert(.components, epoch: epoch, (0..<250).map {
            Upsert(key: ["Gaussian_ID": .string("G\($0)")], set: [("Source_ID", .string("S\($0 / 2)"))])
        })
        #expect(try db.count(.components, epoch: epoch) == 250)
        #expect(try db.count(.islands, epoch: epoch) == 0)
        #expect(try db.find(.components, epoch: epoch, .all).count == 250)
        #expect(try db.find(.components, epoch: epoch, Filter([("Source_ID", "S7")])).map { $0["Gaussian_ID"] } == ["G14", "G15"])
    }

    /// `epochs` lists an epoch once it holds data; `drop` removes all of it.
    static func dropAndEpochs(_ db: any PipelineDatabase, epoch: Int, other: Int) throws {
        #expect(try !db.epochs().contains(epoch))
        try db.upsert(.islands, epoch: epoch, [Upsert(key: ["Source_ID": "RACS_1"], set: [])])
        try db.upsert(.fields, epoch: other, [Upsert(key: ["FIELD_NAME": "F", "SBID": 1], set: [])])
        #expect(try db.epochs().contains(epoch))
        #expect(try db.epochs().contains(other))
        try db.drop(epoch: epoch)
        #expect(try !db.epochs().contains(epoch))
        #expect(try db.epochs().contains(other))
        #expect(try db.count(.islands, epoch: epoch) == 0)
        try db.drop(epoch: other)
        try db.drop(epoch: other)  // dropping what is gone is fine
        #expect(try !db.epochs().contains(other))
    }

    /// Documents encoded as a bulk load encodes them: key array, document, indexed values.
    static func encoded(_ collection: PipelineCollection, _ docs: [Document]) -> EncodedDocuments {
        var out = EncodedDocuments(collection: collection)
        for d in docs {
            let key = Array(JSONText.encode(.array(collection.keyFields.map { d[$0]! })).utf8)
            let text = Array(JSONText.encode(.document(d)).utf8)
            let k = out.bytes.count
            out.bytes += key
            let t = out.bytes.count
            out.bytes += text
            out.rows.append(.init(key: k..<t, document: t..<out.bytes.count))
            for f in collection.indexedFields {
                guard let v = d[f] else { out.indexed.append(nil); continue }
                let start = out.bytes.count
                out.bytes += Array(JSONText.encode(v).utf8)
                out.indexed.append(start..<out.bytes.count)
            }
        }
        return out
    }

    /// `insertNew` stores new documents as given and merges a stored one as the upsert of
    /// every leaf: a nested field stored by a later stage stays, a changed value is set, and
    /// an identical document is left as it was. Secondary indexes follow (find by Source_ID).
    static func insertNewMergesLikeUpserts(_ db: any PipelineDatabase, epoch: Int) throws {
        try db.upsert(.beams, epoch: epoch, [Upsert(key: ["Source_ID": "RACS_1237+12A_1"], set: [
            ("Source_Name", "RACS J123700+120000"), ("n_fields", 1),
            ("beams.\(field1).beam_list", [1]), ("beams.\(field1).i_beam1_image_file", "cutouts/a.fits"),
            ("rm_note", "kept"),
        ])])
        var stored = try db.find(.beams, epoch: epoch, .all)
        let newDocs: [Document] = [
            ["Source_ID": "RACS_1237+12A_1", "Source_Name": "RACS J123700+120000", "n_fields": 2,
             "beams": .document([field1: .document(["beam_list": [1, 2], "DR1": true]),
                                 field2: .document(["beam_list": [0], "DR1": false])])],
            ["Source_ID": "RACS_1237+12A_2", "Source_Name": "RACS J123701+120001", "n_fields": 1,
             "beams": .document([field2: .document(["beam_list": [35], "DR1": false])])],
        ]
        try db.insertNew(encoded(.beams, newDocs), epoch: epoch)
        let merged: [(String, DocValue)] = [
            ("Source_ID", "RACS_1237+12A_1"), ("Source_Name", "RACS J123700+120000"), ("n_fields", 2),
            ("beams.\(field1).beam_list", [1, 2]), ("beams.\(field1).i_beam1_image_file", "cutouts/a.fits"),
            ("beams.\(field1).DR1", true), ("beams.\(field2).beam_list", [0]), ("beams.\(field2).DR1", false),
            ("rm_note", "kept"),
        ]
        stored = try db.find(.beams, epoch: epoch, .all)
        #expect(stored.count == 2)
        // (MongoDB orders fields that one update creates by name, so only values are compared.)
        for (path, value) in merged { #expect(stored.first?.value(at: path) == value, "\(path)") }
        #expect(stored.first?.keys == ["Source_ID", "Source_Name", "n_fields", "beams", "rm_note"])
        #expect(Set(stored.first?["beams"]?.document?.keys ?? []) == [field1, field2])
        #expect(text(Array(stored.dropFirst())) == text([newDocs[1]]))
        // The same load again changes nothing.
        try db.insertNew(encoded(.beams, newDocs), epoch: epoch)
        #expect(text(try db.find(.beams, epoch: epoch, .all)) == text(stored))

        let components = expected(componentLoad())
        try db.insertNew(encoded(.components, components), epoch: epoch)
        #expect(text(try db.find(.components, epoch: epoch, .all)) == text(components))
        #expect(try db.find(.components, epoch: epoch, Filter([("Source_ID", "RACS_1237+12A_1")])).count == 2)
    }
}
