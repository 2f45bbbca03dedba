#if canImport(Glibc)
import Glibc
#endif

/// Fields tiling the whole sky in declination bands, as RACS tiles it: about `fields`
/// square fields of side `spacing`, each with a square grid of beams `spacing / side`
/// apart (36 beams of a 1,500-field tiling: 5.2 deg fields, 0.87 deg beam pitch).
enum SkyTiling {
    /// Field side (deg) for about `count` fields over the 41,253 square degrees of the sky.
    static func spacing(fields count: Int) -> Double {
        (41_252.96 / Double(max(1, count))).squareRoot()
    }

    static func fields(_ p: SurveyParameters) -> [SurveyLayout.Field] {
        let spacing = spacing(fields: p.fields)
        let side = p.beamGridSide
        let pitch = spacing / Double(side)
        let bands = max(1, Int((180 / spacing).rounded()))
        var fields: [SurveyLayout.Field] = []
        var names = Set<String>()
        for band in 0..<bands {
            let dec = -90 + (Double(band) + 0.5) * 180 / Double(bands)
            let perBand = max(1, Int((360 * cos(dec * SkyMath.degree) / spacing).rounded()))
            for k in 0..<perBand {
                let ra = (Double(k) + 0.5) * 360 / Double(perBand)
                var name = SurveyNames.fieldName(ra: ra, dec: dec)
                var suffix = UInt8(ascii: "B")
                while names.contains(name) {
                    name = String(name.dropLast()) + String(UnicodeScalar(suffix))
                    suffix += 1
                }
                names.insert(name)
                fields.append(SurveyLayout.Field(index: fields.count, name: name, ra: ra, dec: dec,
                                                 beams: SurveyLayout.beamGrid(ra: ra, dec: dec, count: p.beams,
                                                                              side: side, pitch: pitch)))
            }
        }
        return fields
    }
}
