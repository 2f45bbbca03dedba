// swift-tools-version: 6.0
import PackageDescription

// Supported: Linux (Debian, as on the users' clusters). The file, process, signal and
// SLURM code calls Glibc directly, so other platforms are refused at compile time
// (Sources/Graph/Platform.swift, Sources/Astro/Support/Platform.swift) rather than
// declared here and left to fail somewhere deep in the build.
let package = Package(
    name: "Arrakis",
    products: [
        .executable(name: "arrakis", targets: ["arrakis"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System-library shim for libxxhash (XXH3).
        .systemLibrary(name: "CXXHash", path: "Sources/CXXHash", pkgConfig: "libxxhash",
                       providers: [.apt(["libxxhash-dev"])]),
        // System-library shim for cfitsio (FITS images, cubes and tables).
        .systemLibrary(name: "CFITSIO", path: "Sources/CFITSIO", pkgConfig: "cfitsio",
                       providers: [.apt(["libcfitsio-dev"])]),
        // System-library shim for wcslib (world coordinates: every projection, distortions, fixes).
        .systemLibrary(name: "CWCSLib", path: "Sources/CWCSLib", pkgConfig: "wcslib",
                       providers: [.apt(["wcslib-dev"])]),
        // System-library shim for zlib (gzip-compressed IONEX ionosphere maps).
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        // System-library shim for FFTW (single precision: the non-uniform FFT of 3-D RM synthesis).
        .systemLibrary(name: "CFFTW", path: "Sources/CFFTW", pkgConfig: "fftw3f",
                       providers: [.apt(["libfftw3-dev"])]),
        // Science kernels: FITS, WCS (wcslib), cutouts and mosaics, spectra, the ionosphere,
        // RM synthesis and RM-CLEAN, the catalogue, plots, the survey simulator.
        // Element-wise float32 kernels in C with AVX2 versions chosen at run time (the Swift
        // code is built for baseline x86-64): complex moduli and byte swaps of 3-D cubes.
        .target(name: "CKernels"),
        .target(name: "Astro", dependencies: ["CFITSIO", "CWCSLib", "CZlib", "CFFTW", "CKernels"]),
        // System-library shim for SQLite (the embedded pipeline database and run history).
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        // System-library shim for libmongoc/libbson (the MongoDB pipeline database).
        .systemLibrary(name: "CMongoC", path: "Sources/CMongoC", pkgConfig: "libmongoc-1.0",
                       providers: [.apt(["libmongoc-dev"])]),
        // System-library shim for libpq (the RACS database on a PostgreSQL server).
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),
        // Pipeline database (SQLite, MongoDB), RACS database readers (CSV, PostgreSQL).
        .target(name: "Store", dependencies: ["CSQLite", "CMongoC", "CLibPQ", "Astro"]),
        // The engine: product keys, fingerprints, digest cache, traces, planning. Domain-free.
        .target(name: "Graph", dependencies: ["CXXHash"]),
        // The Arrakisfile language: lexer, parser, checker (against the rule kinds its caller
        // gives it) and the lowering that needs no engine. No C library below it.
        .target(name: "Language"),
        // The pipeline's rule kinds (built-in rules call Astro and Store) and the lowering of
        // products into the engine's families.
        .target(name: "Rules", dependencies: ["Language", "Graph", "Astro", "Store"]),
        // Executors: one protocol, run by the local worker pool and by SLURM job arrays; results recorded one way; progress, cancellation.
        .target(name: "Exec", dependencies: ["Graph"]),
        // Records the commit the binary is built from, for `arrakis --version`.
        .plugin(name: "BuildCommitPlugin", capability: .buildTool()),
        // The command-line front end: parse, call, print.
        .target(name: "ArrakisCLI", dependencies: [
            "Graph", "Rules", "Exec", "Astro", "Store",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], plugins: ["BuildCommitPlugin"]),
        .executableTarget(name: "arrakis", dependencies: ["ArrakisCLI"]),
        .testTarget(name: "GraphTests", dependencies: ["Graph"]),
        .testTarget(name: "LanguageTests", dependencies: ["Language"]),
        .testTarget(name: "RulesTests", dependencies: ["Rules", "Language", "Graph"]),
        .testTarget(name: "ExecTests", dependencies: ["Exec", "Graph", "Rules"]),
        .testTarget(name: "AstroTests", dependencies: ["Astro"],
                    exclude: ["Support/astropy_wcs.py", "Support/astropy_cutouts.py", "Support/make_rmtools_extra_cases.py",
                              "Support/rmtable_check.py", "Support/frion_anchor.py", "Support/ionosphere_rmextract.py",
                              "Support/ionosphere_astropy_altaz.py", "Support/rmextract_ionex.py"],
                    resources: [.copy("Resources/rmtools-1.5.0-cases.json"),
                                .copy("Resources/rmtools-1.5.0-extra-cases.json"),
                                .copy("Resources/ionex")]),
        // Servers the tests start for real (the MongoDB wire-protocol test server).
        .target(name: "TestServers", path: "Tests/TestServers", exclude: ["mongo_test_server.py"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Astro", "TestServers"]),
        .testTarget(name: "CLITests", dependencies: ["Graph", "Astro", "Store", "TestServers"],
                    exclude: ["Support/astropy_wcs_corpus.py", "Support/astropy_pixels.py",
                              "Support/pre-wcslib-digests.json", "Support/make_rmtools_qa_outputs.py",
                              "Support/rmtools-qa", "Support/catalogue_fidelity.py",
                              "Support/make_rmtools_3d_outputs.py", "Support/rmtools-qa-3d",
                              "Support/compare_rmtools_3d.py"]),
    ]
)
