/// Replaces known secrets (the history or database password) by `***` in every string of
/// a record, so a command that echoes one into its failure message stores nothing secret.
public struct SecretScrubber: Sendable {
    private let secrets: [String]

    public init(_ secrets: [String]) {
        self.secrets = secrets.filter { $0.count >= 3 }
    }

    public func scrub(_ s: String) -> String {
        var out = s
        for secret in secrets where out.contains(secret) { out = out.replacing(secret, with: "***") }
        return out
    }

    public func scrub(_ s: String?) -> String? { s.map(scrub) }

    public func scrub(_ r: RunRecord) -> RunRecord {
        guard !secrets.isEmpty else { return r }
        var r = r
        r.user = scrub(r.user)
        r.host = scrub(r.host)
        r.directory = scrub(r.directory)
        r.commandLine = scrub(r.commandLine)
        r.targets = r.targets.map(scrub)
        return r
    }

    public func scrub(_ t: TaskRecord) -> TaskRecord {
        guard !secrets.isEmpty else { return t }
        var t = t
        t.product = scrub(t.product)
        t.reason = scrub(t.reason)
        t.message = scrub(t.message)
        t.logPath = scrub(t.logPath)
        t.jobID = scrub(t.jobID)
        t.outputs = t.outputs.map { TaskRecord.Output(path: scrub($0.path), digest: $0.digest) }
        return t
    }
}
