import Foundation

/// A fenced code block of a Markdown file, with the `<!-- marker -->` comment on the line
/// just before its opening fence, if any.
struct MarkdownCodeBlock: Equatable {
    var language: String
    var marker: String?
    var text: String
    /// 1-based line of the opening fence, for messages.
    var line: Int

    /// The top-level fenced blocks of `markdown` (fences may be indented, as in lists).
    static func all(in markdown: String) -> [MarkdownCodeBlock] {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var blocks: [MarkdownCodeBlock] = []
        var i = 0
        while i < lines.count {
            let opening = lines[i].drop { $0 == " " }
            guard opening.hasPrefix("```") else { i += 1; continue }
            let indent = lines[i].count - opening.count
            let language = String(opening.dropFirst(3))
            var marker: String?
            if i > 0 {
                let previous = lines[i - 1].trimmingCharacters(in: .whitespaces)
                if previous.hasPrefix("<!--"), previous.hasSuffix("-->") {
                    marker = previous.dropFirst(4).dropLast(3).trimmingCharacters(in: .whitespaces)
                }
            }
            var body: [String] = []
            var j = i + 1
            while j < lines.count, lines[j].trimmingCharacters(in: .whitespaces) != "```" {
                body.append(String(lines[j].dropFirst(min(indent, lines[j].prefix { $0 == " " }.count))))
                j += 1
            }
            blocks.append(MarkdownCodeBlock(language: language, marker: marker,
                                            text: body.joined(separator: "\n") + "\n", line: i + 1))
            i = j + 1
        }
        return blocks
    }
}
