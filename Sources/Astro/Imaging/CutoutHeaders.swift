import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The cutout headers of one uncompressed cube: the header cfitsio writes for a cutout,
/// rendered once per cube and patched per island (NAXIS1/2, CRPIX1/2 and OBJECT, formatted
/// as cfitsio formats them), so the cutter's own files are byte for byte cfitsio's.
struct CutoutHeaders {
    static let patched = ["NAXIS1", "NAXIS2", "CRPIX1", "CRPIX2", "OBJECT"]
    let layout: RawImageLayout
    private var template: FITSHeaderTemplate
    private let crpix1: Double
    private let crpix2: Double

    /// Nil when the cube's layout or header needs the cfitsio path; `directory` holds the
    /// template's temporary file for a moment.
    init?(source: CubeSource, directory: String) {
        guard let raw = source.file.rawImageLayout(), raw.layout.bitpix == source.bitpix else { return nil }
        // The header cfitsio writes for a 1 x 1 cutout, as the template.
        let bytes: [UInt8]
        do {
            let file = try source.writeCutout(box: CutoutBox(x: 0..<1, y: 0..<1), sourceID: "TEMPLATE",
                                              to: "\(directory)/header-template.fits", zeroPixels: true)
            let temporary = try file.finishUnrenamed()
            defer { unlink(temporary) }
            bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: temporary)))
        } catch {
            return nil
        }
        guard let template = FITSHeaderTemplate(file: bytes, keywords: Self.patched) else { return nil }
        layout = raw.layout
        self.template = template
        crpix1 = source.header.double("CRPIX1") ?? 1
        crpix2 = source.header.double("CRPIX2") ?? 1
    }

    /// The header of the cutout of `box`, or nil when a card cannot be patched in place
    /// (a Source_ID longer than one card: that island goes through cfitsio).
    mutating func header(box: CutoutBox, sourceID: String) -> [UInt8]? {
        guard template.set("NAXIS1", .integer(box.width)), template.set("NAXIS2", .integer(box.height)),
              template.set("CRPIX1", .real(crpix1 - Double(box.x.lowerBound))),
              template.set("CRPIX2", .real(crpix2 - Double(box.y.lowerBound))),
              template.set("OBJECT", .string(sourceID)) else { return nil }
        return template.bytes
    }
}
