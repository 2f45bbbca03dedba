#if canImport(Glibc)
import Glibc
#endif

/// Where the simulated survey points: fields in a strip along RA, a square grid of beams
/// per field, and which fields each epoch observes (with which SBID and when).
public struct SurveyLayout: Sendable {
    public struct Beam: Sendable {
        public var number: Int
        public var ra: Double
        public var dec: Double
    }

    public struct Field: Sendable {
        public var index: Int
        /// The name used for files and pipeline keys, e.g. `RACS_1230-31A`.
        public var name: String
        public var ra: Double
        public var dec: Double
        public var beams: [Beam]
    }

    public struct Observation: Sendable {
        public var epoch: Int
        public var field: Int
        public var sbid: Int
        /// Scan start, MJD in seconds (the RACS database's SCAN_START).
        public var scanStart: Double
        public var scanLength: Double
    }

    public var fields: [Field]
    public var observations: [Observation]

    public init(_ p: SurveyParameters) {
        let fields = p.footprint == .sky ? SkyTiling.fields(p) : Self.strip(p)
        // Epoch 0 observes every field; each later epoch re-observes every other field.
        var observations: [Observation] = []
        for epoch in 0..<p.epochs {
            for field in fields where epoch == 0 || (field.index + epoch) % 2 == 1 || fields.count == 1 {
                let sbid = p.footprint == .sky ? 100_000 * (epoch + 1) + field.index : 8500 + 1000 * epoch + field.index
                var start = (59_000 + 100 * Double(epoch) + Double(field.index) * 0.05) * 86_400
                if p.hasIonosphere {
                    // A real scan: centred on the field's transit at ASKAP, after the nominal day starts.
                    start = Self.transit(ra: field.ra, after: (59_000 + 100 * Double(epoch)) * 86_400) - 450
                }
                observations.append(Observation(epoch: epoch, field: field.index, sbid: sbid,
                                                scanStart: start, scanLength: 900))
            }
        }
        self.fields = fields
        self.observations = observations
    }

    /// The first time (UTC, MJD seconds) at or after `after` when right ascension `ra` (deg)
    /// crosses ASKAP's meridian: local sidereal time = ra (GMST by the IAU 1982 expression).
    static func transit(ra: Double, after: Double) -> Double {
        let siderealRate = 360.98564736629   // degrees of GMST per UT day
        let jd = after / 86_400 + 2_400_000.5
        let lst = 280.46061837 + siderealRate * (jd - 2_451_545.0) + GeodeticPosition.askap.longitude
        var wait = (ra - lst).truncatingRemainder(dividingBy: 360)
        if wait < 0 { wait += 360 }
        return after + wait / siderealRate * 86_400
    }

    /// Fields in a strip along RA at one declination; neighbouring fields overlap.
    static func strip(_ p: SurveyParameters) -> [Field] {
        let side = p.beamGridSide
        let fieldSpacing = Double(side) * p.beamPitch
        var fields: [Field] = []
        for i in 0..<p.fields {
            // Fields keep the strip's declination; RA steps by the spacing along that parallel.
            let centre = (ra: SkyMath.normalisedRA(p.firstRA + Double(i) * fieldSpacing / cos(p.declination * SkyMath.degree)),
                          dec: p.declination)
            fields.append(Field(index: i, name: SurveyNames.fieldName(ra: centre.ra, dec: centre.dec),
                                ra: centre.ra, dec: centre.dec,
                                beams: beamGrid(ra: centre.ra, dec: centre.dec, count: p.beams, side: side, pitch: p.beamPitch)))
        }
        return fields
    }

    /// `count` beams on a square grid of `side` x `side` positions `pitch` degrees apart,
    /// numbered row by row from the north-east corner.
    static func beamGrid(ra: Double, dec: Double, count: Int, side: Int, pitch: Double) -> [Beam] {
        (0..<count).map { b in
            let (row, column) = b.quotientAndRemainder(dividingBy: side)
            let half = Double(side - 1) / 2
            let pos = SkyMath.offset(ra: ra, dec: dec, east: (half - Double(column)) * pitch,
                                     north: (half - Double(row)) * pitch)
            return Beam(number: b, ra: pos.ra, dec: pos.dec)
        }
    }

    /// The field name as the RACS database spells it: epoch 0 names carry `_test4_1.05_`,
    /// which the pipeline drops.
    public static func databaseFieldName(_ name: String, epoch: Int) -> String {
        epoch == 0 ? name.replacing("RACS_", with: "RACS_test4_1.05_") : name
    }

    /// Beam cube file name, as ASKAPsoft writes it.
    public static func cubeName(stokes: String, field: String, beam: Int) -> String {
        "image.restored.\(stokes).\(field).contcube.beam\(SurveyNames.pad(beam)).conv.fits"
    }

    public static func weightsName(stokes: String, field: String, beam: Int) -> String {
        "weights.restored.\(stokes).\(field).contcube.beam\(SurveyNames.pad(beam)).conv.txt"
    }
}
