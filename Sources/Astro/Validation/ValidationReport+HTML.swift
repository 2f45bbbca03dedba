/// The report page: the summary table and the plots, each with its caption.
extension ValidationReport {
    /// An HTML page; `plots` gives each plot's path relative to the page, in order.
    public func html(title: String = "Arrakis validation", catalogue: String, plots: [(ValidationPlot, String)]) -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>\(esc(title))</title>
            <style>body{font-family:sans-serif;max-width:760px;margin:2em auto}td,th{padding:2px 10px;text-align:left}
            table{border-collapse:collapse}tr:nth-child(even){background:#f2f2f2}img{max-width:100%}</style></head>
            <body>
            <h1>\(esc(title))</h1>
            <p>Catalogue: <code>\(esc(catalogue))</code></p>
            <table>

            """
        for (label, value) in summary.lines {
            out += "<tr><th>\(esc(label))</th><td>\(esc(value))</td></tr>\n"
        }
        out += "</table>\n"
        for (plot, path) in plots {
            out += "<h2 id=\"\(plot.rawValue)\">\(esc(plot.rawValue))</h2>\n"
            out += "<p>\(esc(plot.caption))</p>\n<p><img src=\"\(esc(path))\" alt=\"\(esc(plot.rawValue))\"></p>\n"
        }
        return out + "</body>\n</html>\n"
    }
}
