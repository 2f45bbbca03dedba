import Foundation
import Testing
@testable import Astro

@Suite struct CatalogueWriterTests {
    typealias F = CatalogueFixture

    /// A small catalogue with a failure row, a missing beam, a missing integer and text that
    /// needs escaping.
    static func sample() throws -> PolarisationCatalogue {
        var components = F.field(count: 6)
        components.append(F.failure(50, reason: "bad <spectrum> & \"quotes\" 'here'"))
        var row = F.row(60)
        row["N_Gaus"] = nil
        row["S_Code"] = "Ç"
        components.append(F.component(60, row: row, beam: nil))
        return try PolarisationCatalogue(components: components)
    }

    @Test func fitsRoundTripWithOurReader() throws {
        let dir = TemporaryDirectory("catalogue")
        let cat = try Self.sample()
        let path = dir.file("cat.fits")
        try cat.writeFITS(to: path, name: "POLCAT")
        #expect(dir.listing() == ["cat.fits"], "no temporary file is left behind")
        let back = try FITSFile.open(path).readTable()
        #expect(back.name == "POLCAT")
        #expect(back.columns.count == cat.columns.count)
        #expect(back.header.string("RMTVER") == "1.3")
        for (k, (column, read)) in zip(cat.columns, back.columns).enumerated() {
            #expect(read.name == column.name)
            #expect(read.unit == column.unit.fits, "\(column.name) unit")
            #expect(back.header.string("TUCD\(k + 1)") == column.ucd, "\(column.name) UCD")
            switch column.values {
            case .real(let v):
                let r = try #require(read.reals)
                #expect(zip(v, r).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(column.name)")
            case .integer(let v):
                #expect(read.integers == v, "\(column.name)")
            case .logical(let v):
                #expect(read.logicals == v.map { $0 }, "\(column.name)")
            case .text(let v):
                let expected = v.map { String(String.UnicodeScalarView($0.unicodeScalars.map { $0.isASCII ? $0 : "?" })) }
                #expect(read.strings == expected, "\(column.name)")
            }
        }
        #expect(back.column("N_Gaus")?.integers?.last == .some(nil))
        #expect(back.column("s_code")?.strings?.last == "?")
    }

    @Test func voTableIsEscapedAndTyped() throws {
        let xml = try Self.sample().voTable(name: "cat-v1.2")
        #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<VOTABLE version=\"1.3\""))
        #expect(xml.contains("RM synthesis failed: bad &lt;spectrum&gt; &amp; &quot;quotes&quot; &apos;here&apos;"))
        #expect(xml.contains("<FIELD ID=\"rm\" name=\"rm\" datatype=\"double\" unit=\"rad.m-2\" ucd=\"phys.polarization.rotMeasure;meta.main\">"))
        #expect(xml.contains("<FIELD ID=\"N_Gaus\" name=\"N_Gaus\" datatype=\"int\" ucd=\"meta.number\">"))
        #expect(xml.contains("<VALUES null=\"-2147483648\"/>"))
        #expect(xml.contains("<FIELD ID=\"s_code\" name=\"s_code\" datatype=\"unicodeChar\" arraysize=\"*\""))
        #expect(xml.contains("<FIELD ID=\"snr_flag\" name=\"snr_flag\" datatype=\"boolean\""))
        #expect(xml.contains("value=\"cat_v1_2\""), "CASDA catalogue name")
        #expect(xml.contains("<TD>NaN</TD>"))
        #expect(XMLText.escape("a\u{1}b\tc") == "a\u{FFFD}b&#9;c")
    }

    @Test func voTableParsedByAstropy() throws {
        if let reason = RMTableCheck.unavailable { Issue.record(Comment(rawValue: reason)); return }
        let dir = TemporaryDirectory("catalogue")
        let cat = try Self.sample()
        let path = dir.file("cat.xml")
        try cat.writeVOTable(to: path)
        #expect(dir.listing() == ["cat.xml"])
        let report = try RMTableCheck.check(path)
        #expect(report.unexpectedVOTableWarnings.isEmpty, "\(report.unexpectedVOTableWarnings)")
        #expect(report.rows == cat.rowCount)
        #expect(report.columns.map(\.name) == cat.columns.map(\.name))
        for column in cat.columns {
            let read = try #require(report.column(column.name))
            #expect(read.ucd == column.ucd, "\(column.name) UCD")
            #expect(read.description == column.description, "\(column.name) description")
            switch column.values {
            case .real(let v):
                #expect(read.kind == "f", "\(column.name)")
                for (a, b) in zip(v, read.values) {
                    #expect(a.isNaN ? b == .null : b == .number(a), "\(column.name): \(a) read as \(b)")
                }
            case .integer(let v):
                #expect(read.kind == "i", "\(column.name)")
                #expect(read.values == v.map { $0.map { .number(Double($0)) } ?? .number(-2147483648) },
                        "\(column.name): nulls are filled by RMTable")
            case .logical(let v):
                #expect(read.kind == "b", "\(column.name)")
                #expect(read.values == v.map { .logical($0) }, "\(column.name)")
            case .text(let v):
                #expect(read.values == v.map { .text($0) }, "\(column.name)")
            }
        }
        #expect(report.column("rm")?.unit == "rad / m2")
        #expect(report.column("ra")?.unit == "deg")
    }

    @Test func surveyConcatenatesFieldCatalogues() throws {
        let a = try PolarisationCatalogue(components: F.field(count: 5))
        let other = CatalogueObservation(field: "RACS_1300+12A", epoch: 1, sbid: 9000, integrationTime: 900)
        let b = try PolarisationCatalogue(components: F.field(count: 3).map {
            var c = $0
            c.observation = other
            return c
        })
        let survey = try PolarisationCatalogue.survey([a, b])
        #expect(survey.rowCount == 8)
        #expect(survey.diagnostics.count == 2)
        #expect(survey[column: "field"]?.texts == Array(repeating: "RACS_1237+12A", count: 5) + Array(repeating: "RACS_1300+12A", count: 3))
        #expect(survey[column: "rm"]?.reals == (a[column: "rm"]!.reals! + b[column: "rm"]!.reals!))
        #expect(throws: CatalogueError.duplicateRow(component: "RACS_1237+12A_0_g", field: "RACS_1237+12A", epoch: 0)) {
            try PolarisationCatalogue.survey([a, a])
        }
        #expect(try PolarisationCatalogue.survey([]).rowCount == 0)
    }

    @Test func emptyCatalogueWrites() throws {
        let dir = TemporaryDirectory("catalogue")
        let cat = try PolarisationCatalogue(components: [])
        #expect(cat.rowCount == 0 && !cat.columns.isEmpty)
        try cat.writeFITS(to: dir.file("empty.fits"))
        try cat.writeVOTable(to: dir.file("empty.xml"))
        #expect(try FITSFile.open(dir.file("empty.fits")).readTable().columns.count == cat.columns.count)
    }

    @Test func unwritablePathIsATypedError() throws {
        let cat = try PolarisationCatalogue(components: [F.component(1)])
        #expect(throws: CatalogueError.self) { try cat.writeVOTable(to: "/nonexistent-dir/cat.xml") }
        #expect(throws: CatalogueError.self) { try cat.writeFITS(to: "/nonexistent-dir/cat.fits") }
    }
}
