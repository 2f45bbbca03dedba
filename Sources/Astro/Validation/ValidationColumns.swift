/// The catalogue columns validation reads, as plain arrays (reals NaN when blank).
struct ValidationColumns: Sendable {
    let ra, dec, stokesI, stokesIError, noiseChannel, fdfNoise, stokesQ, stokesU: [Double]
    let beamDistance, leakage, rm, rmError, snr: [Double]
    let catID, field: [String]
    let fieldEpoch: [Int?]

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
        noiseChannel = try reals("noise_chan"); fdfNoise = try reals("fdf_noise_mad")
        stokesQ = try reals("stokesQ"); stokesU = try reals("stokesU")
        beamDistance = try reals("beamdist"); leakage = try reals("leakage")
        rm = try reals("rm"); rmError = try reals("rm_err"); snr = try reals("snr_polint")
        catID = try texts("cat_id"); field = try texts("field")
        guard let epochs = catalogue[column: "field_epoch"]?.integers else {
            throw ValidationError.missingColumn(file: file, column: "field_epoch", kind: "integer")
        }
        fieldEpoch = epochs
    }

    var count: Int { ra.count }

    /// stokesQ / stokesI (NaN where stokesI is not positive).
    var fractionalQ: [Double] { zip(stokesQ, stokesI).map { $1 > 0 ? $0 / $1 : .nan } }
    var fractionalU: [Double] { zip(stokesU, stokesI).map { $1 > 0 ? $0 / $1 : .nan } }
}

/// The median of the finite values (NaN when there are none).
func finiteMedian(_ values: [Double]) -> Double {
    let v = values.filter(\.isFinite).sorted()
    guard !v.isEmpty else { return .nan }
    return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
}
