import Testing
@testable import Store

@Suite struct HistoryRedactionTests {
    @Test func passwordsLeaveTheCommandLine() {
        let argv = ["arrakis", "init", "-p", "s3cret", "--password", "s3cret", "--password=s3cret", "-ps3cret",
                    "--db-password", "s3cret", "--password-file", "/home/me/.pw",
                    "--history", "postgresql://me:s3cret@db/arrakis", "plain", "two words"]
        let redacted = CommandLineRedactor.redact(argv)
        #expect(redacted == ["arrakis", "init", "-p", "***", "--password", "***", "--password=***", "-p***",
                             "--db-password", "***", "--password-file", "/home/me/.pw",
                             "--history", "postgresql://me:***@db/arrakis", "plain", "two words"])
        #expect(CommandLineRedactor.joined(redacted).hasSuffix("plain 'two words'"))
    }

    @Test func scrubberReplacesSecretsInEveryField() {
        let scrubber = SecretScrubber(["s3cret"])
        var task = HistoryFixtures.tasks("r")[1]
        task.message = "echo s3cret failed"
        task.reason = "parameter s3cret changed"
        let clean = scrubber.scrub(task)
        #expect(clean.message == "echo *** failed" && clean.reason == "parameter *** changed")
        var run = HistoryFixtures.run("r")
        run.commandLine = "arrakis build PGPASSWORD=s3cret"
        #expect(scrubber.scrub(run).commandLine == "arrakis build PGPASSWORD=***")
    }
}
