import ArgumentParser
import Foundation
import Store

/// The pipeline database location shared by init and status.
struct DatabaseOptions: ParsableArguments {
    @Option(name: [.customShort("u"), .long], help: "Database user.") var username: String?
    @Option(name: [.customShort("p"), .long],
            help: "Password (visible to other users in `ps`; prefer ARRAKIS_DB_PASSWORD or --password-file).")
    var password: String?
    @Option(help: "File holding the password (must not be group- or world-readable).") var passwordFile: String?
    @Option(help: "Seconds to wait for a database server (MongoDB server selection and connect, PostgreSQL connect_timeout) before calling it unreachable.")
    var timeout: Double = DatabaseOpener.defaultTimeout

    func validate() throws { try OptionRange.check(timeout, above: 0, atMost: 3600, "--timeout") }

    func credentials(url: String) throws -> Credentials {
        let parsed = url.contains("://") ? try? DatabaseURL(url) : nil
        return try Credentials.resolve(username: username ?? parsed?.username, urlPassword: parsed?.password,
                                       flag: password, file: passwordFile,
                                       environment: ProcessInfo.processInfo.environment)
    }
}

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Load the Stokes I catalogue and the RACS observation metadata into the pipeline database (spice_init).",
        discussion: """
            Loading upserts: running init again keeps the results later stages stored.
            HOST is sqlite:PATH (the default, no server needed) or mongodb://[user@]host[:port].
            """ + CommandExamples.initialize)

    @Argument(help: "Pipeline database (sqlite:PATH or mongodb://...).") var host = "sqlite:.arrakis/pipeline.db"
    @OptionGroup var db: DatabaseOptions
    @Option(name: [.customShort("d"), .long], help: "RACS database: a directory holding db/epoch_<N>/, or postgresql://...")
    var databasePath: String?
    @Option(name: [.customShort("i"), .long], help: "Island catalogue (FITS, VOTable .xml/.vot, or CSV).") var islandcat: String?
    @Option(name: [.customShort("c"), .long], help: "Component catalogue (FITS, VOTable .xml/.vot, or CSV).") var compcat: String?
    @Flag(name: [.customShort("v"), .long], help: "Say what is being done.") var verbose = false
    @Flag(name: [.customShort("l"), .long], help: "Load islands, components and beams.") var load = false
    @Flag(name: [.customShort("f"), .long], help: "Load fields and beam_inf.") var field = false
    @Option(name: [.customShort("e"), .long], parsing: .upToNextOption, help: "Epochs to load.") var epochs: [Int] = [0]

    func validate() throws { for e in epochs { try OptionRange.check(e, 0...100_000, "--epochs") } }
    @Flag(help: "Drop the epochs' collections first (asks for confirmation unless --yes).") var replace = false
    @Flag(help: "Do not ask before --replace.") var yes = false
    @Flag(help: "Print what was loaded and the time of each phase as one JSON line on stdout.") var json = false

    func run() throws {
        do {
            if host.hasPrefix("sqlite:") {
                let path = String(host.dropFirst("sqlite:".count))
                let dir = (path as NSString).deletingLastPathComponent
                if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            }
            let credentials = try db.credentials(url: host)
            let database = try DatabaseOpener.pipeline(host, credentials: credentials, timeout: db.timeout)
            if replace && !yes {
                printErr("arrakis: --replace drops epoch(s) \(epochs.map(String.init).joined(separator: " ")) of \(database.displayName), including every stored result. Type 'yes' to go on: ")
                guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
                    printErr("arrakis: nothing changed\n")
                    throw ExitCode(1)
                }
            }
            let racs = try databasePath.map { try DatabaseOpener.racs($0, credentials: credentials, timeout: db.timeout) }
            var options = PipelineInitialiser.Options()
            options.islandCatalogue = islandcat
            options.componentCatalogue = compcat
            options.loadCatalogue = load
            options.loadFields = field
            options.epochs = epochs
            options.replace = replace
            let start = Date()
            let verbose = self.verbose
            let report = try PipelineInitialiser(database: database, racs: racs) { if verbose { printErr("arrakis: \($0)\n") } }.run(options)
            if verbose {
                printErr("arrakis: catalogue \(String(format: "%.2f", report.catalogue_seconds)) s, matching \(String(format: "%.2f", report.match_seconds)) s, beams/fields/indexes \(String(format: "%.2f", report.write_seconds)) s; \(report.documents) documents, \(Int(report.rows_per_second)) rows/s\n")
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                struct Line: Encodable { var database: String; var epochs: [Int]; var report: PipelineInitialiser.Report }
                printOut(String(decoding: try encoder.encode(Line(database: database.displayName, epochs: epochs, report: report)), as: UTF8.self) + "\n")
            }
            for c in try PipelineInitialiser.counts(database) where epochs.contains(c.epoch) {
                printErr("arrakis: epoch \(c.epoch): \(c.islands) islands, \(c.components) components, \(c.beams) beams, \(c.fields) fields, \(c.beam_inf) beam_inf rows\n")
            }
            printErr("arrakis: loaded into \(database.displayName) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s\n")
        } catch let e as ExitCode {
            throw e
        } catch {
            fail(error)
        }
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show what the pipeline database holds, per epoch.", discussion: CommandExamples.status)

    @Argument(help: "Pipeline database (sqlite:PATH or mongodb://...).") var host = "sqlite:.arrakis/pipeline.db"
    @OptionGroup var db: DatabaseOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        do {
            let database = try DatabaseOpener.pipeline(host, credentials: try db.credentials(url: host), timeout: db.timeout)
            let counts = try PipelineInitialiser.counts(database)
            if json {
                struct Status: Encodable { var database: String; var epochs: [PipelineInitialiser.EpochCounts] }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                printOut(String(decoding: try encoder.encode(Status(database: database.displayName, epochs: counts)), as: UTF8.self) + "\n")
            } else {
                printOut("\(database.displayName)\n")
                for c in counts {
                    printOut("epoch \(c.epoch): \(c.islands) islands, \(c.components) components, \(c.beams) beams, \(c.fields) fields, \(c.beam_inf) beam_inf rows\n")
                }
            }
        } catch {
            fail(error)
        }
    }
}
