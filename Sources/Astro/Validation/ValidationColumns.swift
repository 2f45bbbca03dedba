/// The catalogue columns validation reads, as plain arrays (reals NaN when blank).
struct ValidationColumns: Sendable {
    let ra, dec, stokesI, stokesIError, stokesQError, stokesUError, noiseChannel, fdfNoise, stokesQ, stokesU: [Double]
    let beamDistance, leakage, rm, rmError, snr: [Double]
    let catID, field: [String]
    let fieldEpoch: [Int?]
    /// No snr, leakage, channel, Stokes I fit or local RM flag (the original's good RMs).
    let unflagged: [Bool]

    init(_ catalogue: PolarisationCatalogue, file: String) throws {
        func reals(_ name: String) throws -> [Double] {
            guard let v = catalogue[column: name]?.reals else {
                throw ValidationError.missingColumn(file: file, column: name, kind: "real")
            }
            return v
        }
        func texts(_ name: String) throws -> [String] {
            guard let v = catalogue[column: name]?.texts else {
                throw ValidationError.missingColumn(file: file, column: name, kind: "text")
            }
            return v
        }
        ra = try reals("ra"); dec = try reals("dec")
        stokesI = try reals("stokesI"); stokesIError = try reals("stokesI_err")
        stokesQError = try reals("stokesQ_err"); stokesUError = try reals("stokesU_err")
        noiseChannel = try reals("noise_chan"); fdfNoise = try reals("fdf_noise_mad")
        stokesQ = try reals("stokesQ"); stokesU = try reals("stokesU")
        beamDistance = try reals("beamdist"); leakage = try reals("leakage")
        rm = try reals("rm"); rmError = try reals("rm_err"); snr = try reals("snr_polint")
        catID = try texts("cat_id"); field = try texts("field")
        guard let epochs = catalogue[column: "field_epoch"]?.integers else {
            throw ValidationError.missingColumn(file: file, column: "field_epoch", kind: "integer")
        }
        fieldEpoch = epochs
        var ok = Array(repeating: true, count: ra.count)
        for flag in ["snr_flag", "leakage_flag", "channel_flag", "stokesI_fit_flag", "local_rm_flag"] {
            guard let v = catalogue[column: flag]?.logicals else {
                throw ValidationError.missingColumn(file: file, column: flag, kind: "logical")
            }
            for i in v.indices where v[i] { ok[i] = false }
        }
        unflagged = ok
    }

    var count: Int { ra.count }

    /// Whether a row is bright enough to measure leakage on: stokesI / stokesI_err above
    /// `snr` (the original's validation uses 50).
    func bright(_ i: Int, snr: Double) -> Bool { stokesI[i] > 0 && stokesI[i] / stokesIError[i] > snr }

    /// stokesQ / stokesI of the rows bright enough (NaN for the others).
    func fractionalQ(snr: Double) -> [Double] { ra.indices.map { bright($0, snr: snr) ? stokesQ[$0] / stokesI[$0] : .nan } }
    func fractionalU(snr: Double) -> [Double] { ra.indices.map { bright($0, snr: snr) ? stokesU[$0] / stokesI[$0] : .nan } }
}

/// The median of the finite values (NaN when there are none).
func finiteMedian(_ values: [Double]) -> Double {
    let v = values.filter(\.isFinite).sorted()
    guard !v.isEmpty else { return .nan }
    return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
}
