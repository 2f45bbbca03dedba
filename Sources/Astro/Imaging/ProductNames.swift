/// File names of cutouts, as the original pipeline spells them.
public enum CutoutNames {
    /// `<Source_ID>.cutout.<cube basename>`.
    public static func image(sourceID: String, cube: String) -> String {
        "\(sourceID).cutout.\(basename(cube))"
    }

    /// `<Source_ID>.cutout.<weights basename>`.
    public static func weights(sourceID: String, weights: String) -> String {
        "\(sourceID).cutout.\(basename(weights))"
    }

    /// The island's directory under the cutouts directory: `<cutouts>/<Source_ID>`.
    public static func directory(cutouts: String, sourceID: String) -> String {
        "\(cutouts)/\(sourceID)"
    }

    /// The weights file the original expects beside a beam cube: `image.restored` becomes
    /// `weights.restored` and `.fits` becomes `.txt` (same directory).
    public static func weightsFile(forCube cube: String) -> String {
        cube.replacing("image.restored", with: "weights.restored").replacing(".fits", with: ".txt")
    }
}

/// File names of LINMOS mosaics of an island's cutouts.
public enum MosaicNames {
    /// `<Source_ID>.cutout.image.restored.<s>.<FIELD>.contcube.linmos.fits`.
    public static func image(sourceID: String, stokes: String, field: String) -> String {
        "\(sourceID).cutout.image.restored.\(stokes.lowercased()).\(field).contcube.linmos.fits"
    }

    /// `<Source_ID>.cutout.weights.restored.<s>.<FIELD>.contcube.linmos.fits`.
    public static func weights(sourceID: String, stokes: String, field: String) -> String {
        "\(sourceID).cutout.weights.restored.\(stokes.lowercased()).\(field).contcube.linmos.fits"
    }
}

/// File names of extracted spectra.
public enum SpectrumNames {
    /// `<Gaussian_ID>.dat`: freq I Q U dI dQ dU.
    public static func spectrum(gaussianID: String) -> String { "\(gaussianID).dat" }
    /// `<Gaussian_ID>_bkg.dat`: freq, background I Q U, rms I Q U.
    public static func background(gaussianID: String) -> String { "\(gaussianID)_bkg.dat" }
    /// `<Gaussian_ID>_v.dat`: freq V dV (with Stokes V only).
    public static func circular(gaussianID: String) -> String { "\(gaussianID)_v.dat" }
}

/// The last path component.
func basename(_ path: String) -> String {
    path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
}
