import Foundation
import PackagePlugin

/// Writes `BuildCommit.swift` (`let buildCommit = "<commit>"`) before every build of the
/// target that uses it: the checkout's commit (12 hex digits), with "-modified" when tracked
/// files differ from it, or "unknown" outside a git checkout. The file is replaced only when
/// its text changes, so an unchanged commit recompiles nothing.
@main
struct BuildCommitPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let directory = context.pluginWorkDirectoryURL
        let file = directory.appending(path: "BuildCommit.swift").path
        let root = context.package.directoryURL.path
        let script = """
            c=$(git -C "$1" rev-parse --short=12 HEAD 2>/dev/null) || c=unknown
            [ "$c" != unknown ] && [ -n "$(git -C "$1" status --porcelain --untracked-files=no 2>/dev/null | head -c1)" ] && c="$c-modified"
            printf '/// The commit arrakis was built from (BuildCommitPlugin).\\nlet buildCommit = "%s"\\n' "$c" > "$2.new"
            if cmp -s "$2.new" "$2"; then rm -f "$2.new"; else mv "$2.new" "$2"; fi
            """
        return [.prebuildCommand(displayName: "Record the commit arrakis is built from",
                                 executable: URL(fileURLWithPath: "/bin/sh"),
                                 arguments: ["-c", script, "build-commit", root, file],
                                 outputFilesDirectory: directory)]
    }
}
