import Foundation
import Testing
@testable import Store

/// The PostgreSQL RACS reader against a real server (Support/PostgresTestServer.swift).
/// Without PostgreSQL server binaries these tests fail, saying to run
/// `scripts/install-deps.sh --test`.
@Suite struct PostgresRACSTests {
    let server: PostgresTestServer

    init() async throws {
        server = try await PostgresTestServer.shared()
    }

    func reader(password: String? = nil, port: Int? = nil, timeout: Int = 5) throws -> PostgresRACSDatabase {
        try PostgresRACSDatabase(url: DatabaseURL("postgresql://postgres@127.0.0.1:\(port ?? server.port)"),
                                 credentials: Credentials(username: "postgres", password: password ?? server.password),
                                 connectTimeout: timeout)
    }

    /// A CSV of the simulated survey, parsed here on its own: the values typed by the
    /// column types the tables were created with.
    func csvRows(_ path: String) throws -> [Document] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("\""), "the simulated CSVs are expected to have no quoted fields")
        let lines = text.split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        return lines.dropFirst().map { line in
            Document(zip(header, line.split(separator: ",", omittingEmptySubsequences: false)).map { key, field in
                let t = String(field)
                let value: DocValue = switch PostgresTestServer.columnTypes[key] {
                case "text": .string(t)
                case "integer", "bigint": .int(Int64(t)!)
                default: .double(Double(t)!)
                }
                return (key: key, value: value)
            })
        }
    }

    @Test func readsExactlyTheRowsOfTheSurveyCSVs() throws {
        let db = try reader()
        for epoch in [0, 1] {
            let dir = "\(server.survey)/db/epoch_\(epoch)"
            let expected = try csvRows("\(dir)/field_data.csv").map { r in
                FieldObservation(fieldName: r["FIELD_NAME"]!.string!, sbid: Int(r["SBID"]!.int!), selected: r["SELECT"] == 1,
                                 scanStart: r["SCAN_START"]!.double!, scanLength: r["SCAN_TINT"]!.double!,
                                 ra: r["RA_DEG"]!.double!, dec: r["DEC_DEG"]!.double!, row: r)
            }
            let fields = try db.fieldData(epoch: epoch)
            #expect(fields == expected)
            #expect(fields.contains { $0.sbid == -1 })
            #expect(fields.allSatisfy { $0.fieldName.contains("_test4_1.05_") == (epoch == 0) })

            let beamFiles = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("beam_inf_") }
            let observations = fields.filter { $0.sbid >= 0 }
            #expect(Set(beamFiles) == Set(observations.map { RACSColumns.beamTable(sbid: $0.sbid, fieldName: $0.fieldName) + ".csv" }))
            for obs in observations {
                let expected = try csvRows("\(dir)/\(RACSColumns.beamTable(sbid: obs.sbid, fieldName: obs.fieldName)).csv").map { r in
                    BeamCentre(beam: Int(r["BEAM_NUM"]!.int!), ra: r["RA_DEG"]!.double!, dec: r["DEC_DEG"]!.double!, row: r)
                }
                #expect(try db.beams(epoch: epoch, sbid: obs.sbid, fieldName: obs.fieldName) == expected)
            }
        }
    }

    @Test func columnTypesBecomeDocumentValues() throws {
        let beams = try reader().beams(epoch: 9, sbid: 78, fieldName: "RACS_TYPES")
        #expect(beams.map(\.beam) == [0, 1])
        #expect(beams[0].row == ["BEAM_NUM": 0, "RA_DEG": 1.5, "DEC_DEG": -30.25, "VIS_TOTAL": 5_000_000_000,
                                 "FLAGGED": true, "NOTE": "a \"quoted\", note", "PSF_MAJOR": nil])
        #expect(beams[1].row["DEC_DEG"] == 0.1)
        #expect(beams[1].row["VIS_TOTAL"] == .null)
        #expect(beams[1].row["FLAGGED"] == false)
        #expect(beams[1].row["PSF_MAJOR"]?.double?.isNaN == true)
    }

    @Test func connectsLazilyOncePerEpoch() throws {
        let admin = try server.connect("postgres")
        func sessions(_ name: String) throws -> String? {
            try admin.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'arrakis' AND datname = $1", [name]).rows[0][0]
        }
        let db = try reader()
        #expect(try sessions("epoch_1") == "0")
        for _ in 0..<3 { _ = try db.fieldData(epoch: 1) }
        let field = try db.fieldData(epoch: 1)[0]
        _ = try db.beams(epoch: 1, sbid: field.sbid, fieldName: field.fieldName)
        #expect(try sessions("epoch_1") == "1")
    }

    @Test func wrongPasswordIsAnAuthenticationError() throws {
        let wrong = "not-the-password-\(UInt32.random(in: 0...UInt32.max))"
        let start = ContinuousClock.now
        let error = #expect(throws: StoreError.self) { try reader(password: wrong).fieldData(epoch: 0) }
        #expect(ContinuousClock.now - start < .seconds(3))
        guard case .authentication(let message)? = error else { Issue.record("expected .authentication, got \(String(describing: error))"); return }
        #expect(message.contains("password authentication failed for user postgres at 127.0.0.1:\(server.port)"))
        #expect(!message.contains(wrong) && !message.contains(server.password))
    }

    @Test func noPasswordIsAnAuthenticationError() throws {
        let db = try PostgresRACSDatabase(url: DatabaseURL("postgresql://postgres@127.0.0.1:\(server.port)"),
                                          credentials: Credentials(username: nil, password: nil))
        let error = #expect(throws: StoreError.self) { try db.fieldData(epoch: 0) }
        #expect(error == .authentication("user postgres at 127.0.0.1:\(server.port) needs a password and none was given (postgresql://postgres@127.0.0.1:\(server.port))"))
    }

    @Test func closedPortIsUnreachable() throws {
        let port = try LoopbackSocket(listening: false).port
        let start = ContinuousClock.now
        let error = #expect(throws: StoreError.self) { try reader(port: port).fieldData(epoch: 0) }
        #expect(ContinuousClock.now - start < .seconds(2))
        guard case .unreachable(let message)? = error else { Issue.record("expected .unreachable, got \(String(describing: error))"); return }
        #expect(message.contains("postgresql://postgres@127.0.0.1:\(port)") && message.contains("Connection refused"))
    }

    @Test func silentServerTimesOut() throws {
        let silent = try LoopbackSocket(listening: true)  // accepts TCP connections, never answers
        let start = ContinuousClock.now
        let error = #expect(throws: StoreError.self) { try reader(port: silent.port, timeout: 2).fieldData(epoch: 0) }
        let elapsed = ContinuousClock.now - start
        #expect(elapsed > .milliseconds(1500) && elapsed < .seconds(4), "took \(elapsed)")
        guard case .unreachable(let message)? = error else { Issue.record("expected .unreachable, got \(String(describing: error))"); return }
        #expect(message.contains("timeout expired") && message.contains("127.0.0.1:\(silent.port)"))
    }

    @Test func missingEpochDatabase() throws {
        let error = #expect(throws: StoreError.self) { try reader().fieldData(epoch: 5) }
        #expect(error == .input("the RACS database has no epoch 5: database epoch_5 does not exist on postgresql://postgres@127.0.0.1:\(server.port)"))
    }

    @Test func missingBeamTable() throws {
        let error = #expect(throws: StoreError.self) { try reader().beams(epoch: 0, sbid: 4242, fieldName: "RACS_NOPE") }
        #expect(error == .input("table beam_inf_4242-RACS_NOPE does not exist in database epoch_0 on postgresql://postgres@127.0.0.1:\(server.port)"))
    }

    @Test func missingRequiredColumn() throws {
        let db = try reader()
        let fieldError = #expect(throws: StoreError.self) { try db.fieldData(epoch: 9) }
        #expect(fieldError?.description.hasPrefix("table field_data in database epoch_9 on postgresql://postgres@127.0.0.1:\(server.port) has no column SCAN_TINT") == true)
        let beamError = #expect(throws: StoreError.self) { try db.beams(epoch: 9, sbid: 77, fieldName: "RACS_NOCOL") }
        #expect(beamError?.description.hasPrefix("table beam_inf_77-RACS_NOCOL in database epoch_9 on postgresql://postgres@127.0.0.1:\(server.port) has no column DEC_DEG") == true)
    }

    @Test func passwordAppearsNowhere() throws {
        let wrong = "Wr0ng-\(UInt32.random(in: 0...UInt32.max))"
        var messages: [String] = []
        for attempt in [{ _ = try reader(password: wrong).fieldData(epoch: 0) },
                        { _ = try reader().fieldData(epoch: 7) },
                        { _ = try reader().beams(epoch: 0, sbid: 1, fieldName: "X") },
                        { _ = try reader().fieldData(epoch: 9) }] as [() throws -> Void] {
            do { try attempt() } catch { messages.append("\(error)") }
        }
        // The password in the URL too: displayName and errors show `***`.
        let inURL = try PostgresRACSDatabase(url: DatabaseURL("postgresql://postgres:\(wrong)@127.0.0.1:\(server.port)"),
                                             credentials: Credentials(username: nil, password: nil))
        messages.append(inURL.displayName)
        do { _ = try inURL.fieldData(epoch: 0) } catch { messages.append("\(error)") }
        #expect(messages.count == 6)
        #expect(messages.last?.contains("postgresql://postgres:***@127.0.0.1") == true)

        let log = try String(contentsOfFile: server.logPath, encoding: .utf8)
        #expect(log.contains("password authentication failed for user \"postgres\""))
        for secret in [server.password, wrong] {
            #expect(!log.contains(secret), "the server log contains a password")
            for m in messages { #expect(!m.contains(secret), "error message contains a password: \(m)") }
        }
    }
}
