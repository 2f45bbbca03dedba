#if canImport(Glibc)
import Glibc
#endif

/// The naming conventions of RACS: field names and IAU-style source names.
public enum SurveyNames {
    /// `RACS_HHMM+DDA` for a field centred at (ra, dec), as RACS-low names its tiles.
    public static func fieldName(ra: Double, dec: Double) -> String {
        let totalMinutes = Int((SkyMath.normalisedRA(ra) / 15 * 60).rounded()) % (24 * 60)
        let sign = dec < 0 ? "-" : "+"
        let degrees = Int(abs(dec).rounded())
        return "RACS_\(pad(totalMinutes / 60))\(pad(totalMinutes % 60))\(sign)\(pad(degrees))A"
    }

    /// `RACS-DR1 JHHMMSS.s+DDMMSS` (truncated, not rounded, as IAU names are).
    public static func sourceName(ra: Double, dec: Double) -> String {
        let hours = SkyMath.normalisedRA(ra) / 15
        let tenthsOfSecond = Int(hours * 36_000)
        let h = tenthsOfSecond / 36_000
        let m = (tenthsOfSecond / 600) % 60
        let s = (tenthsOfSecond % 600)
        let sign = dec < 0 ? "-" : "+"
        let arcsec = Int(abs(dec) * 3600)
        let dd = arcsec / 3600, dm = (arcsec / 60) % 60, ds = arcsec % 60
        return "RACS-DR1 J\(pad(h))\(pad(m))\(pad(s / 10)).\(s % 10)\(sign)\(pad(dd))\(pad(dm))\(pad(ds))"
    }

    static func pad(_ n: Int) -> String {
        n < 10 ? "0\(n)" : String(n)
    }
}
