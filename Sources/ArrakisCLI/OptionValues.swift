import ArgumentParser
import Astro
import Exec
import Graph

// The options that take one of a fixed set of words: each is an enum ArgumentParser parses,
// so `--help` lists the words and a wrong one is refused with ArgumentParser's usage error
// (exit status 64), naming the option and every word it takes.

/// `build --executor`: where tasks run.
enum ExecutorKind: String, ExpressibleByArgument, CaseIterable {
    /// This machine's worker pool.
    case local
    /// Job arrays on a SLURM cluster.
    case slurm
}

/// `build --progress`.
extension ProgressReporter.Mode: ExpressibleByArgument {}

/// `graph --format`.
extension GraphExport.Format: ExpressibleByArgument {}

/// `rmsynth --fit-function`.
extension StokesIFitFunction: ExpressibleByArgument {}

/// `rmsynth --weight`.
extension RMWeighting: ExpressibleByArgument {}
extension MatrixProductEngine: ExpressibleByArgument {}

/// `frion --elevation-model`.
extension IonosphereModel.ElevationModel: ExpressibleByArgument {}

/// `frion --interpolation` (Astro does not list its cases: they are listed here, and the
/// switch below stops the build when one is added there and not here).
extension IONEXMaps.TimeInterpolation: ExpressibleByArgument, CaseIterable {
    public static var allCases: [Self] { [.linear, .rotated] }

    private static func listedAbove(_ value: Self) {
        switch value { case .linear, .rotated: break }
    }
}

/// `simulate --footprint`.
extension SurveyParameters.Footprint: ExpressibleByArgument {}
