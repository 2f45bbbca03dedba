/// The history tables, as numbered migrations. `schema_version` holds every version applied;
/// opening a store applies the missing ones in one transaction (under a lock, so controllers
/// starting together do not race) and refuses a store from a newer arrakis.
///
/// The SQL is common to SQLite and PostgreSQL: times in integer milliseconds, durations in
/// microseconds, lists as JSON text.
enum HistorySchema {
    static let migrations: [[String]] = [
        // 1: runs and task records.
        [
            """
            CREATE TABLE runs (
                id TEXT PRIMARY KEY,
                user_name TEXT NOT NULL,
                host TEXT NOT NULL,
                directory TEXT NOT NULL,
                started_ms BIGINT NOT NULL,
                ended_ms BIGINT,
                command_line TEXT NOT NULL,
                arrakisfile_digest TEXT NOT NULL,
                targets TEXT NOT NULL,
                executor TEXT NOT NULL,
                outcome TEXT NOT NULL,
                planned BIGINT NOT NULL,
                built BIGINT NOT NULL,
                unchanged BIGINT NOT NULL,
                up_to_date BIGINT NOT NULL,
                failed BIGINT NOT NULL,
                skipped BIGINT NOT NULL
            )
            """,
            "CREATE INDEX runs_started ON runs (started_ms)",
            """
            CREATE TABLE tasks (
                run_id TEXT NOT NULL,
                product TEXT NOT NULL,
                attempt INTEGER NOT NULL,
                family TEXT NOT NULL,
                reason TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                status TEXT NOT NULL,
                started_ms BIGINT NOT NULL,
                ended_ms BIGINT NOT NULL,
                duration_us BIGINT NOT NULL,
                peak_memory_kb BIGINT,
                host TEXT NOT NULL,
                job_id TEXT,
                exit_status INTEGER,
                message TEXT,
                log_path TEXT,
                outputs TEXT NOT NULL,
                PRIMARY KEY (run_id, product, attempt)
            )
            """,
            "CREATE INDEX tasks_product ON tasks (product, ended_ms)",
        ],
    ]

    static var latest: Int { migrations.count }

    /// Brings the store to the latest version; returns the version it was at.
    @discardableResult
    static func migrate(_ db: HistorySQLConnection) throws(HistoryError) -> Int {
        try db.transaction { () throws(HistoryError) -> Int in
            if let lock = db.migrationLock { try db.rows(lock, []) }
            try db.rows("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", [])
            let found = try db.rows("SELECT MAX(version) FROM schema_version", []).first?.first?.flatMap { Int($0) } ?? 0
            if found > latest {
                throw .schemaTooNew(location: db.location, found: found, supported: latest)
            }
            for version in (found + 1)..<(latest + 1) {
                for statement in migrations[version - 1] { try db.rows(statement, []) }
                try db.rows("INSERT INTO schema_version (version) VALUES (\(db.placeholder(1)))", [.integer(Int64(version))])
            }
            return found
        }
    }
}
