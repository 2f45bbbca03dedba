import Foundation
import Testing
@testable import Astro

@Suite struct FITSTableTests {
    static func catalogue() -> FITSTable {
        var header = FITSHeader()
        header.set("ORIGIN", .string("arrakis simulate"))
        header.addHistory("made for a test")
        return FITSTable(name: "ISLANDS", columns: [
            FITSColumn("Source_ID", .string(["RACS_1237+12A_1", "RACS_1237+12A_22", ""])),
            FITSColumn("SBID", .integer([8576, nil, 8590]), format: .int32),
            FITSColumn("N_Gaus", .integer([1, 2, 1]), format: .int16),
            FITSColumn("Obs_Start_Time", .integer([Int(Int32.max) + 5, 0, -1])),
            FITSColumn("RA", .real([187.5, .nan, 0.25]), unit: "deg"),
            FITSColumn("Peak_flux", .real([12.5, 3.25, .nan]), format: .float32, unit: "mJy/beam"),
            FITSColumn("Flag_Close", .logical([true, nil, false])),
        ], header: header)
    }

    @Test func tableRoundTripKeepsTypesUnitsNullsAndCards() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("islands.fits")
        let table = Self.catalogue()
        let out = try FITSFile.create(path)
        try out.writeTable(table)
        try out.commit()

        let back = try FITSFile.open(path).readTable()
        #expect(back.name == "ISLANDS")
        #expect(back.rowCount == 3)
        #expect(back.columns.map(\.name) == table.columns.map(\.name))
        #expect(back.columns.map(\.unit) == table.columns.map(\.unit))
        #expect(back.columns.map(\.format) == [.string(width: 16), .int32, .int16, .int64, .float64, .float32, .logical])
        #expect(back.column("source_id")?.strings == ["RACS_1237+12A_1", "RACS_1237+12A_22", ""])
        #expect(back.column("SBID")?.integers == [8576, nil, 8590])
        #expect(back.column("Obs_Start_Time")?.integers == [Int(Int32.max) + 5, 0, -1])
        let ra = try #require(back.column("RA")?.reals)
        #expect(ra[0] == 187.5 && ra[1].isNaN && ra[2] == 0.25)
        let peak = try #require(back.column("Peak_flux")?.reals)
        #expect(peak[0] == 12.5 && peak[1] == 3.25 && peak[2].isNaN)
        #expect(back.column("Flag_Close")?.logicals == [true, nil, false])
        #expect(back.header.string("ORIGIN") == "arrakis simulate")
        #expect(back.header.history == ["made for a test"])
    }

    @Test func namedExtensionIsFound() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("two.fits")
        let out = try FITSFile.create(path)
        try out.writeTable(Self.catalogue())
        var second = Self.catalogue()
        second.name = "COMPONENTS"
        try out.writeTable(second)
        try out.commit()
        let file = try FITSFile.open(path)
        #expect(try file.hduCount() == 3)
        #expect(try file.readTable(extension: "COMPONENTS").name == "COMPONENTS")
        let missing = #expect(throws: FITSError.self) { try file.readTable(extension: "GAUSSIANS") }
        #expect(missing?.description.contains(path) == true)
    }

    @Test func valuesThatDoNotFitAreRefusedNotCut() throws {
        let dir = TemporaryDirectory()
        let out = try FITSFile.create(dir.file("bad.fits"))
        let wide = FITSTable(name: "T", columns: [FITSColumn("S", .string(["abcdef"]), format: .string(width: 3))])
        let e1 = #expect(throws: FITSError.self) { try out.writeTable(wide) }
        #expect(e1?.description.contains("longer than its width 3") == true)
        let big = FITSTable(name: "T", columns: [FITSColumn("N", .integer([70000]), format: .int16)])
        let e2 = #expect(throws: FITSError.self) { try out.writeTable(big) }
        #expect(e2?.description.contains("does not fit") == true)
        let ragged = FITSTable(name: "T", columns: [FITSColumn("A", .real([1, 2])), FITSColumn("B", .real([1]))])
        #expect(throws: FITSError.self) { try out.writeTable(ragged) }
    }
}
