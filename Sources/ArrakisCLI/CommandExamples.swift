/// The "Examples:" part of each command's `--help` (after its discussion, if any).
enum CommandExamples {
    static func text(_ lines: [(String, String)]) -> String {
        "\n\nExamples:\n" + lines.map { "  \($0.0)\n      \($0.1)" }.joined(separator: "\n")
    }

    static let build = text([
        ("arrakis build", "bring the Arrakisfile's default targets up to date"),
        ("arrakis build --dry-run", "say what would run and why, and run nothing"),
        ("arrakis build rmsynth -j 4 -k", "one family, 4 tasks at once, past failures"),
        ("arrakis build --explain 'wc[alpha]'", "why one instance is or is not out of date"),
        ("arrakis build --executor slurm", "submit the tasks to SLURM as job arrays and wait"),
    ])
    static let clean = text([
        ("arrakis clean wc", "delete the `wc` family's outputs and forget them"),
        ("arrakis clean", "every family's"),
    ])
    static let graph = text([
        ("arrakis graph", "the families as an indented tree"),
        ("arrakis graph --format mermaid", "for a Markdown page (also dot, json)"),
        ("arrakis graph catalogue --expand", "one target's instances"),
    ])
    static let rules = text([
        ("arrakis rules", "every built-in rule kind"),
        ("arrakis rules rmsynth", "one kind's params (types, defaults), inputs, outputs, what it writes"),
    ])
    static let fits = text([
        ("arrakis fits header CUBE.fits", "every card of the primary HDU"),
        ("echo '1 1' | arrakis fits wcs CUBE.fits", "a pixel's world coordinates"),
    ])
    static let fitsHeader = text([
        ("arrakis fits header CUBE.fits", "the primary HDU's cards"),
        ("arrakis fits header TABLE.fits --hdu 2", "the second HDU's"),
    ])
    static let fitsWindows = text([
        ("arrakis fits windows CUBE.fits", "time window reads at the default size and count"),
        ("arrakis fits windows CUBE.fits --size 64 --count 100", "100 windows of 64 x 64 pixels"),
    ])
    static let fitsWCS = text([
        ("echo '1 1' | arrakis fits wcs CUBE.fits", "pixel (1-based) to RA Dec"),
        ("echo '187.5 -31.2' | arrakis fits wcs CUBE.fits --to-pixel", "back to pixels"),
    ])
    static let simulate = text([
        ("arrakis simulate survey", "a small survey with its truth, in ./survey"),
        ("arrakis simulate survey --fields 3 --beams 9 --sources 100", "a bigger one"),
        ("arrakis simulate examples/survey --ionosphere --channel-noise 0.0002 --min-flux 0.03", "the survey scripts/example.sh builds"),
    ])
    static let initialize = text([
        ("arrakis init -d survey -i islands.fits -c components.fits -l -f -e 0", "catalogues and epoch 0's fields into the embedded database"),
        ("arrakis init mongodb://user@host -d survey -f -e 0 1", "fields of two epochs into MongoDB (password from ARRAKIS_DB_PASSWORD)"),
    ])
    static let status = text([
        ("arrakis status", "per epoch: islands, components, beams, fields"),
        ("arrakis status --json", "the same as JSON"),
    ])
    static let why = text([
        ("arrakis why 'rmsynth[1, RACS_1237+12A]'", "which run built it last, why, and from what"),
    ])
    static let runs = text([
        ("arrakis runs", "the latest builds"),
        ("arrakis runs show latest", "the last build's tasks"),
        ("arrakis runs --prune --keep 100", "keep the last 100 runs"),
    ])
    static let runsList = text([
        ("arrakis runs list", "the latest builds, newest first"),
        ("arrakis runs list --prune --older-than 30d", "delete runs older than 30 days"),
    ])
    static let runsShow = text([
        ("arrakis runs show latest", "the last build and its tasks"),
    ])
    static let rmsynth = text([
        ("arrakis rmsynth SPEC.dat --clean", "RM synthesis and RM-CLEAN of one spectrum"),
        ("arrakis rmsynth --batch DIR --clean --json-lines -j 2", "many spectra, one JSON line each"),
    ])
    static let rmsynth3d = text([
        ("arrakis rmsynth3d Q.fits U.fits --out-prefix out/field_", "rmsynth3d's files for a pair of cubes"),
        ("arrakis rmsynth3d Q.fits U.fits I.fits --clean --out-prefix out/f_", "with Stokes I and RM-CLEAN"),
    ])
    static let rmclean3d = text([
        ("arrakis rmclean3d out/field_FDF_tot_dirty.fits out/field_RMSF_tot.fits --out-prefix out/field_", "rmclean3d's files from rmsynth3d's"),
        ("arrakis rmclean3d out/f_FDF_tot_dirty.fits out/f_RMSF_tot.fits -c 0.5 -n 100 --out-prefix out/f_", "a deeper CLEAN, stopped at 100 iterations"),
    ])
    static let frion = text([
        ("arrakis frion --ra 187.5 --dec -31.2 --start 2020-01-08T02:00:00 --ionex ionex", "the ionosphere's RM over a scan and its modulation"),
    ])
}
