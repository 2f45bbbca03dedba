import Astro
import Foundation
import Testing
@testable import Store

/// Catalogues given as VOTables: astropy's own output loads the same documents as the FITS
/// catalogue it was converted from; the VOTable details (entities, CDATA, nulls, booleans,
/// arrays, namespaces) come through; broken files are refused with their line.
@Suite struct VOTableCatalogueTests {
    /// Converts FITS tables to VOTables (TABLEDATA, astropy's default) with python3 + astropy.
    static func astropyConvert(_ pairs: [(fits: String, votable: String)], format: String = "tabledata") throws {
        let script = """
        import sys
        from astropy.table import Table
        from astropy.io.votable import from_table
        args = sys.argv[1:]
        fmt = args.pop(0)
        for src, dst in zip(args[0::2], args[1::2]):
            from_table(Table.read(src)).to_xml(dst, tabledata_format=fmt)
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, format] + pairs.flatMap { [$0.fits, $0.votable] }
        let err = Pipe()
        process.standardError = err
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "astropy conversion failed (scripts/install-deps.sh --test installs astropy): \(message)")
    }

    @Test func astropyVOTablesLoadTheSameDocumentsAsTheirFITS() throws {
        let dir = TemporaryDirectory("votable")
        _ = try InitTests.survey(dir)
        let islands = dir.file("islands.xml"), components = dir.file("components.vot")
        try Self.astropyConvert([(dir.file("survey/" + SurveySimulator.Paths.islands), islands),
                                 (dir.file("survey/" + SurveySimulator.Paths.components), components)])
        let racs = CSVRACSDatabase(root: dir.file("survey"))
        let fromFITS = try SQLitePipelineDatabase(path: dir.file("fits.db"))
        try PipelineInitialiser(database: fromFITS, racs: racs).run(InitTests.options(dir, epochs: [0]))
        let fromVOTable = try SQLitePipelineDatabase(path: dir.file("votable.db"))
        var options = InitTests.options(dir, epochs: [0])
        options.islandCatalogue = islands
        options.componentCatalogue = components
        try PipelineInitialiser(database: fromVOTable, racs: racs).run(options)
        for collection in [PipelineCollection.islands, .components, .beams] {
            let key = collection == .components ? "Gaussian_ID" : "Source_ID"
            let a = try fromFITS.find(collection, epoch: 0, .all).sorted { $0[key]!.string! < $1[key]!.string! }
            let b = try fromVOTable.find(collection, epoch: 0, .all).sorted { $0[key]!.string! < $1[key]!.string! }
            #expect(a.count == b.count && a.count > 0, "\(collection)")
            for (x, y) in zip(a, b) {
                #expect(x.keys == y.keys, "\(collection) \(x[key]!)")
                for name in x.keys {
                    #expect(Self.same(x[name]!, y[name]!), "\(collection) \(x[key]!) \(name): \(x[name]!) vs \(y[name]!)")
                }
            }
        }
    }

    /// Equal, with floating point compared to float32 precision (astropy writes a float32
    /// column's shortest decimal, which FITS holds as the float32 itself).
    static func same(_ a: DocValue, _ b: DocValue) -> Bool {
        switch (a, b) {
        case (.double(let x), .double(let y)):
            return x == y || (x.isNaN && y.isNaN) || abs(x - y) <= 1e-6 * max(abs(x), abs(y))
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy(same)
        case (.document(let x), .document(let y)):
            return x.keys == y.keys && x.keys.allSatisfy { same(x[$0]!, y[$0]!) }
        default:
            return a == b
        }
    }

    static let header = """
    <?xml version="1.0" encoding="utf-8"?>
    <!-- written by hand -->
    <v:VOTABLE version="1.4" xmlns:v="http://www.ivoa.net/xml/VOTable/v1.3">
      <v:RESOURCE type="results">
        <v:TABLE name="islands">
          <v:DESCRIPTION>islands &amp; their flags</v:DESCRIPTION>
          <v:FIELD name="Source_ID" datatype="char" arraysize="*"/>
          <v:FIELD name="Flux" datatype="double" unit="mJy"><v:VALUES null="-99"/></v:FIELD>
          <v:FIELD name="N" datatype="int"><v:VALUES null="-1"></v:VALUES></v:FIELD>
          <v:FIELD name="Resolved" datatype="boolean"/>
          <v:FIELD name="Shape" datatype="float" arraysize="3"/>
          <v:PARAM name="Epoch" datatype="int" value="0"/>
          <v:DATA>
    """

    static func write(_ text: String, _ path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func valuesComeThroughTyped() throws {
        let dir = TemporaryDirectory("votable")
        let path = dir.file("t.xml")
        try Self.write(Self.header + """
              <v:TABLEDATA>
                <v:TR><v:TD>SB1_island_1 &lt;a&gt;</v:TD><v:TD>1.5e-3</v:TD><v:TD>7</v:TD><v:TD>T</v:TD><v:TD>1 2.5 NaN</v:TD></v:TR>
                <v:TR>
                  <v:TD><![CDATA[R&D <x>]]></v:TD><v:TD>-99</v:TD><v:TD/><v:TD>false</v:TD><v:TD></v:TD>
                </v:TR>
                <v:TR><v:TD>caf&#233;&#x21;</v:TD><v:TD>NaN</v:TD><v:TD>-1</v:TD><v:TD>?</v:TD><v:TD>0 0 -Inf</v:TD></v:TR>
              </v:TABLEDATA>
            </v:DATA>
          </v:TABLE>
        </v:RESOURCE>
        <v:TABLE name="ignored"/>
        </v:VOTABLE>
        """, path)
        let rows = try CatalogueRowsOpener.open(path)
        #expect(rows.columns == ["Source_ID", "Flux", "N", "Resolved", "Shape"])
        let first = try #require(try rows.next())
        #expect(first[0] == .string("SB1_island_1 <a>"))
        #expect(first[1] == .double(1.5e-3))
        #expect(first[2] == .int(7))
        #expect(first[3] == .bool(true))
        #expect(first[4].array?.count == 3 && first[4].array?[1] == .double(2.5) && first[4].array?[2].double?.isNaN == true)
        #expect(rows.location == "row 1 (line 14)")
        let second = try #require(try rows.next())
        #expect(second == [.string("R&D <x>"), .null, .null, .bool(false), .null])
        let third = try #require(try rows.next())
        #expect(third[0] == .string("café!"))
        #expect(third[1].double?.isNaN == true)
        #expect(third[2] == .null && third[3] == .null)
        #expect(third[4].array?[2] == .double(-.infinity))
        #expect(try rows.next() == nil)
        #expect(try rows.next() == nil)
    }

    /// Each broken file: the message names the file and, where it can, the line.
    @Test(arguments: [
        ("truncated", "t.xml:16: the file ends inside row 2 (truncated?)"),
        ("binary2", "the table is serialised as BINARY2; only TABLEDATA is read"),
        ("not a votable", "t.xml:2: not a VOTable: the root element is <html>"),
        ("short row", "t.xml:15: row 1 has 4 cells, expected 5"),
        ("bad integer", "t.xml:15: row 1, N: 'seven' is not an integer (int)"),
        ("bad boolean", "t.xml:15: row 1, Resolved: 'yes' is not a boolean"),
        ("unknown datatype", "FIELD Odd has datatype string, which VOTable does not define"),
        ("unclosed tag", "t.xml:15: malformed tag </v:TD<v:TD>: '<' inside a tag (is a tag not closed?)"),
        ("bad entity", "t.xml:15: unknown entity &nbsp;"),
        ("no table", "t.xml: no TABLE element in the VOTable"),
        ("empty file", "t.xml: empty file (expected a VOTable)"),
    ])
    func brokenFilesAreRefusedWithTheirLine(_ problem: String, _ expected: String) throws {
        let dir = TemporaryDirectory("votable")
        let path = dir.file("t.xml")
        let good = "<v:TD>SB1_island_1</v:TD><v:TD>1.5</v:TD><v:TD>7</v:TD><v:TD>T</v:TD><v:TD>1 2 3</v:TD>"
        let end = "\n</v:TABLEDATA></v:DATA></v:TABLE></v:RESOURCE></v:VOTABLE>\n"
        var text = Self.header + "\n<v:TABLEDATA>\n<v:TR>\(good)</v:TR>\n<v:TR>\(good)</v:TR>" + end
        switch problem {
        case "truncated": text = String(text[..<text.range(of: "<v:TD>1 2 3", options: .backwards)!.lowerBound])
        case "binary2": text = Self.header + "\n<v:BINARY2><v:STREAM encoding=\"base64\">AAAA</v:STREAM></v:BINARY2>" + end
        case "not a votable": text = "<?xml version=\"1.0\"?>\n<html><body/></html>\n"
        case "short row": text = text.replacingOccurrences(of: "<v:TD>T</v:TD>", with: "")
        case "bad integer": text = text.replacingOccurrences(of: "<v:TD>7</v:TD>", with: "<v:TD>seven</v:TD>")
        case "bad boolean": text = text.replacingOccurrences(of: "<v:TD>T</v:TD>", with: "<v:TD>yes</v:TD>")
        case "unknown datatype": text = text.replacingOccurrences(of: "<v:PARAM", with: "<v:FIELD name=\"Odd\" datatype=\"string\"/><v:PARAM")
        case "unclosed tag": text = text.replacingOccurrences(of: "<v:TD>7</v:TD>", with: "<v:TD>7</v:TD")
        case "bad entity": text = text.replacingOccurrences(of: "SB1_island_1", with: "a&nbsp;b")
        case "no table": text = "<VOTABLE><RESOURCE/></VOTABLE>\n"
        default: text = ""
        }
        try Self.write(text, path)
        let error = #expect(throws: StoreError.self) {
            let rows = try CatalogueRowsOpener.open(path)
            while try rows.next() != nil {}
        }
        #expect(error?.description.contains(expected) == true, "\(error?.description ?? "no error")")
        #expect(error?.description.contains(dir.path) == true)
    }

    /// A broken VOTable catalogue given to init loads nothing.
    @Test func aTruncatedVOTableCatalogueLoadsNothing() throws {
        let dir = TemporaryDirectory("votable")
        _ = try InitTests.survey(dir)
        let components = dir.file("components.xml")
        try Self.astropyConvert([(dir.file("survey/" + SurveySimulator.Paths.components), components)])
        let whole = try Data(contentsOf: URL(fileURLWithPath: components))
        try whole.prefix(whole.count * 2 / 3).write(to: URL(fileURLWithPath: components))
        let db = try SQLitePipelineDatabase(path: dir.file("p.db"))
        var options = InitTests.options(dir, epochs: [0])
        options.componentCatalogue = components
        let error = #expect(throws: StoreError.self) {
            try PipelineInitialiser(database: db, racs: CSVRACSDatabase(root: dir.file("survey"))).run(options)
        }
        #expect(error?.description.contains("\(components):") == true, "\(error?.description ?? "no error")")
        #expect(error?.description.contains("truncated") == true, "\(error?.description ?? "no error")")
        #expect(try db.epochs().isEmpty, "something was written")
    }
}
