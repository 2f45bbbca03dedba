/// The headers of the files RM-Tools' rmsynth3d and rmclean3d write, made from the Stokes Q
/// cube's header the way they make them (`do_RMsynth_3D.writefits`, `_setStokes`,
/// `remove_header_third_fourth_axis`, `do_RMclean_3D.writefits`): the sky WCS kept, the
/// frequency axis turned into a Faraday depth axis (CTYPE FDEP, CDELT dPhi, CRPIX N//2+1,
/// CRVAL 0), LAMSQ0, BUNIT with "/RMSF", and the Stokes axis and STOKES card per product.
public struct FaradayCubeHeaders: Sendable {
    /// The dirty FDF: real (Stokes Q), imaginary (U), modulus (no STOKES card).
    public let fdf: [FITSHeader]
    /// The RMSF: real, imaginary, modulus.
    public let rmsf: [FITSHeader]
    /// RMSF_FWHM: the two sky axes only.
    public let fwhm: FITSHeader
    /// FDF_maxPI and FDF_peakRM (Faraday depth axis left as a degenerate axis).
    public let maxPI: FITSHeader
    public let peakRM: FITSHeader
    /// rmclean3d's: clean FDF (real, imaginary, modulus), components (the same), CLEAN_nIter.
    public let clean: [FITSHeader]
    public let components: [FITSHeader]
    public let iterations: FITSHeader

    /// - Parameters:
    ///   - template: the Stokes Q cube's header.
    ///   - frequencyAxis: its 1-based frequency axis.
    public init(template: FITSHeader, frequencyAxis f: Int, channels: FaradayCubeChannels, history: String) {
        let axis = channels.axis
        let naxis = template.int("NAXIS") ?? 3
        var h = template
        h.set("CTYPE\(f)", .string("FDEP"), comment: "Faraday depth (linear)")
        h.set("CUNIT\(f)", .string("rad/m^2"))
        h.set("LAMSQ0", .real(channels.lambda0Squared.isFinite ? channels.lambda0Squared : 0), comment: "Lambda^2_0, in m^2")
        h.remove("DATAMAX"); h.remove("DATAMIN")
        let originalUnit = template.string("BUNIT")
        if let unit = originalUnit { h.set("BUNIT", .string(unit + "/RMSF")) }

        func faradayAxis(_ header: inout FITSHeader, count: Int) {
            header.set("NAXIS\(f)", .integer(count))
            header.set("CDELT\(f)", .real(axis.step), comment: "[rad/m^2] Coordinate increment at reference point")
            header.set("CRPIX\(f)", .integer(count / 2 + 1))
            header.set("CRVAL\(f)", .real(0),
                       comment: "[rad/m^2] Coordinate value at reference point")
        }
        func stokesTriple(_ base: FITSHeader) -> ([FITSHeader], FITSHeader) {
            let q = Self.setStokes(base, "Q"), u = Self.setStokes(q, "U")
            var pi = Self.setStokes(u, "PI")
            pi.remove("STOKES")
            return ([q, u, pi], pi)
        }

        faradayAxis(&h, count: axis.count)
        let (fdf, afterFDF) = stokesTriple(h)
        self.fdf = fdf
        h = afterFDF
        faradayAxis(&h, count: axis.rmsfCount)
        h.set("BUNIT", .string(""))
        var fwhm = h
        fwhm.set("BUNIT", .string("rad/m^2"))
        fwhm.remove("BTYPE")
        self.fwhm = Self.skyOnly(fwhm)
        let (rmsf, afterRMSF) = stokesTriple(h)
        self.rmsf = rmsf
        h = afterRMSF

        // Peak maps: the Faraday depth axis left in, degenerate; the Stokes axis too.
        if let unit = originalUnit { h.set("BUNIT", .string(unit)) }
        h.set("NAXIS\(f)", .integer(1))
        h.set("CTYPE\(f)", .string("DEGENERATE"), comment: "Axis left in to avoid FITS errors")
        h.set("CUNIT\(f)", .string(""))
        // phi[0] is a float32; RM-Tools' header shows its shortest decimal form.
        h.set("CRVAL\(f)", .real(Double(Float(axis.values[0]).description) ?? axis.values[0]),
              comment: "[rad/m^2] Coordinate value at reference point")
        for a in 1...max(1, naxis) where (h.string("CTYPE\(a)") ?? "").contains("STOKES") {
            h.set("CTYPE\(a)", .string("DEGENERATE"), comment: "Axis left in to avoid FITS errors")
        }
        maxPI = h
        var peak = h
        peak.set("BUNIT", .string("rad/m^2"))
        peak.set("BTYPE", .string("FDEP"))
        peakRM = peak

        let cleaning = FaradayCleanHeaders(dirtyReal: fdf[0], history: history)
        clean = cleaning.clean
        components = cleaning.components
        iterations = cleaning.iterations
    }

    /// RM-Tools' `_setStokes`: the Stokes axis (if any) at CRPIX 1, CRVAL 1-4 for I Q U V
    /// (0 otherwise), and a STOKES card.
    static func setStokes(_ header: FITSHeader, _ stokes: String) -> FITSHeader {
        var out = header
        let naxis = header.int("NAXIS") ?? 0
        var stokesAxis: Int? = nil
        for a in stride(from: 1, through: max(naxis, 1), by: 1) where (header.string("CTYPE\(a)") ?? "").contains("STOKES") {
            stokesAxis = a
        }
        if let a = stokesAxis {
            out.set("CRPIX\(a)", .real(1))
            out.set("CRVAL\(a)", .integer(["I": 1, "Q": 2, "U": 3, "V": 4][stokes.uppercased()] ?? 0))
        }
        out.set("STOKES", .string(stokes))
        return out
    }

    /// RM-Tools' `remove_header_third_fourth_axis`: axes 3 and 4 dropped, NAXIS 2, no STOKES,
    /// WCSAXES = 2 before the first WCS card.
    static func skyOnly(_ header: FITSHeader) -> FITSHeader {
        var out = header
        var drop: Set<String> = []
        for n in [3, 4] {
            for key in ["NAXIS", "CRPIX", "CDELT", "CUNIT", "CTYPE", "CRVAL"] { drop.insert("\(key)\(n)") }
            for m in 1...4 { drop.insert("PC\(m)_\(n)"); drop.insert("PC\(n)_\(m)") }
        }
        out.cards.removeAll { drop.contains($0.keyword) && !$0.isCommentary }
        out.set("NAXIS", .integer(2))
        out.remove("STOKES")
        out.remove("WCSAXES")
        let wcs: Set<String> = ["CRPIX1", "CRPIX2", "CDELT1", "CDELT2", "CRVAL1", "CRVAL2", "CTYPE1", "CTYPE2",
                                "CUNIT1", "CUNIT2", "PC1_1", "PC2_2", "CD1_1", "CD2_2"]
        let at = out.cards.firstIndex { wcs.contains($0.keyword) } ?? out.cards.count
        out.cards.insert(FITSCard("WCSAXES", .integer(2)), at: at)
        return out
    }
}

/// The headers of rmclean3d's files, made (as RM-Tools does) from the dirty FDF's real part:
/// clean FDF and components (real, imaginary, modulus) and the CLEAN_nIter map.
public struct FaradayCleanHeaders: Sendable {
    public let clean: [FITSHeader]
    public let components: [FITSHeader]
    public let iterations: FITSHeader

    public init(dirtyReal: FITSHeader, history: String) {
        let naxis = dirtyReal.int("NAXIS") ?? 3
        func stokesTriple(_ base: FITSHeader) -> ([FITSHeader], FITSHeader) {
            let q = FaradayCubeHeaders.setStokes(base, "Q"), u = FaradayCubeHeaders.setStokes(q, "U")
            var pi = FaradayCubeHeaders.setStokes(u, "PI")
            pi.remove("STOKES")
            return ([q, u, pi], pi)
        }
        var c = dirtyReal
        c.addHistory(history)
        let (clean, afterClean) = stokesTriple(c)
        self.clean = clean
        let (components, afterComponents) = stokesTriple(afterClean)
        self.components = components
        var it = afterComponents
        if naxis > 2 {
            it.set("NAXIS3", .integer(1))
            it.set("CTYPE3", .string("DEGENERATE"), comment: "Axis left in to avoid FITS errors")
            it.set("CUNIT3", .string(""))
        }
        if naxis == 4 {
            it.set("NAXIS4", .integer(1))
            it.set("CTYPE4", .string("DEGENERATE"), comment: "Axis left in to avoid FITS errors")
            it.set("CUNIT4", .string(""))
        }
        it.set("BUNIT", .string("Iterations"))
        it.remove("STOKES")
        iterations = it
    }
}
