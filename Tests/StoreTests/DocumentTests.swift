import Testing
@testable import Store

@Suite struct DocumentTests {
    @Test func dottedPathsSetAndReadNestedFields() {
        var d: Document = ["Source_ID": "RACS_1237+12A_1"]
        d.set("beams.RACS_1237+12A.beam_list", [1, 2])
        d.set("beams.RACS_1237+12A.DR1", true)
        d.set("beams.RACS_1237+12A.beam_list", [3])
        #expect(d.value(at: "beams.RACS_1237+12A.beam_list") == [3])
        #expect(d.value(at: "beams.RACS_1237+12A.DR1") == true)
        #expect(d.keys == ["Source_ID", "beams"])
    }

    @Test func jsonRoundTripKeepsTypesOrderAndNaN() throws {
        let d: Document = ["b": 1, "a": 2.0, "s": "q\"uo\\te\n", "n": nil, "x": [true, false],
                           "nan": .double(.nan), "inf": .double(-.infinity), "sub": .document(["z": 1e-30])]
        let back = try JSONText.decode(JSONText.encode(.document(d)))
        guard case .document(let e) = back else { Issue.record("not a document"); return }
        #expect(e.keys == d.keys)
        #expect(e["a"] == .double(2))
        #expect(e["b"] == .int(1))
        #expect(e["nan"]?.double?.isNaN == true)
        #expect(e["inf"] == .double(-.infinity))
        #expect(e["s"] == "q\"uo\\te\n")
        #expect(e["sub"] == .document(["z": 1e-30]))
    }

    @Test func urlsAreRedacted() throws {
        let u = try DatabaseURL("mongodb://admin:s3cr%40t@db.example:27017/?tls=true")
        #expect(u.username == "admin")
        #expect(u.password == "s3cr@t")
        #expect(u.port == 27017)
        #expect(u.redacted == "mongodb://admin:***@db.example:27017?tls=true")
        #expect(!u.redacted.contains("s3cr"))
        #expect(DatabaseURL.redact("postgresql://u:pw@") == "postgresql://u:***@")
        #expect(try DatabaseURL("sqlite:.arrakis/pipeline.db").path == ".arrakis/pipeline.db")
    }
}
