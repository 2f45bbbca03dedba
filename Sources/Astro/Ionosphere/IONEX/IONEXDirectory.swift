import Foundation

/// Where the IONEX file for each day is found, and where it is downloaded to when missing.
public struct IONEXDirectory: Sendable {
    public let directory: String
    /// Analysis centre prefix of the old names ("codg" for CODE final maps, "igsg" for the IGS).
    public let prefix: String
    /// Download URL template (see `url(template:prefix:day:)`); nil: never download.
    public let urlTemplate: String?
    /// Seconds allowed for each download attempt.
    public let timeout: Double
    /// Download attempts (at least one is made).
    public let retries: Int

    public init(directory: String, prefix: String = "codg", urlTemplate: String? = nil, timeout: Double = 60,
                retries: Int = 3) {
        self.directory = directory
        self.prefix = prefix
        self.urlTemplate = urlTemplate
        self.timeout = timeout
        self.retries = retries
    }

    /// The IONEX file covering `day`: an existing file in `directory` under any of
    /// `candidateNames` (first match wins), else downloaded from `urlTemplate` (when set) into
    /// `directory` (a temporary file there, checked to be IONEX with a map on `day`, then renamed
    /// into place: never a half-written file under a final name), else an error naming the day,
    /// the directory and the names looked for (and the URL and the failure when a download failed).
    ///
    /// A download is stored under the URL's file name when that is one of the candidate names,
    /// otherwise under the old lower-case name plus ".Z" or ".gz" as its bytes show, so the next
    /// call finds it.
    public func path(for day: UTCDay) throws -> String {
        let names = IONEXDirectory.candidateNames(prefix: prefix, day: day)
        for name in names {
            let candidate = (directory as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate
            }
        }
        // The directory is the error's file: "DIR: no IONEX file for 2020-01-08 (day 008) (looked for ...)".
        let lookedFor = "no IONEX file for \(day) (looked for \(IONEXDirectory.summary(prefix: prefix, day: day)))"
        guard let urlTemplate else {
            throw IONEXError(file: directory, message: lookedFor + "; put the day's maps there, or set a download URL (ionex_url)")
        }
        let url = IONEXDirectory.url(template: urlTemplate, prefix: prefix, day: day)
        do {
            return try download(url: url, day: day, names: names)
        } catch {
            throw IONEXError(file: directory, message: lookedFor + "; downloading \(url) failed: \(error.reason)")
        }
    }

    /// `candidateNames` as people read them: `CODG0080.20I or codg0080.20i [.Z|.gz],
    /// COD0OPS{FIN|RAP}_20200080000_01D_{01H|02H}_GIM.INX [.gz|.Z]`.
    public static func summary(prefix: String, day: UTCDay) -> String {
        let ddd = UTCDay.pad(day.dayOfYear, 3)
        let yy = UTCDay.pad(((day.year % 100) + 100) % 100, 2)
        return "\(prefix.uppercased())\(ddd)0.\(yy)I or \(prefix.lowercased())\(ddd)0.\(yy)i [.Z|.gz], "
            + "\(analysisCentre(prefix))0OPS{FIN|RAP}_\(UTCDay.pad(day.year, 4))\(ddd)0000_01D_{01H|02H}_GIM.INX [.gz|.Z]"
    }

    /// The names an IONEX file for `day` may have, in the order they are tried:
    /// the old names `<PREFIX>ddd0.yyI` upper case then `<prefix>ddd0.yyi` lower case (e.g.
    /// CODG0080.20I, codg0080.20i), each plain, .Z and .gz; then the long names
    /// `<AC>0OPSFIN_YYYYDDD0000_01D_01H_GIM.INX` and `..._01D_02H_GIM.INX`, then the same with
    /// OPSRAP (rapid), each plain, .gz and .Z, where AC is the prefix's first three letters upper-cased.
    public static func candidateNames(prefix: String, day: UTCDay) -> [String] {
        let ddd = UTCDay.pad(day.dayOfYear, 3)
        let yy = UTCDay.pad(((day.year % 100) + 100) % 100, 2)
        let yyyy = UTCDay.pad(day.year, 4)
        var names: [String] = []
        for base in ["\(prefix.uppercased())\(ddd)0.\(yy)I", "\(prefix.lowercased())\(ddd)0.\(yy)i"] {
            names += [base, base + ".Z", base + ".gz"]
        }
        let centre = analysisCentre(prefix)
        for kind in ["OPSFIN", "OPSRAP"] {
            for cadence in ["01H", "02H"] {
                let base = "\(centre)0\(kind)_\(yyyy)\(ddd)0000_01D_\(cadence)_GIM.INX"
                names += [base, base + ".gz", base + ".Z"]
            }
        }
        return names
    }

    /// The URL for a day: `template` with these placeholders replaced:
    /// `{yyyy}` four-digit year, `{yy}` two-digit year, `{ddd}` three-digit day of the year,
    /// `{prefix}` the prefix in lower case ("codg"), `{PREFIX}` in upper case ("CODG"),
    /// `{AC}` the analysis centre of the long names (the prefix's first three letters upper-cased, "COD").
    /// For example `https://host/CODE/{yyyy}/{PREFIX}{ddd}0.{yy}I.Z`, or for the long names
    /// `https://host/gnss/products/ionex/{yyyy}/{ddd}/{AC}0OPSFIN_{yyyy}{ddd}0000_01D_01H_GIM.INX.gz`.
    public static func url(template: String, prefix: String, day: UTCDay) -> String {
        template
            .replacingOccurrences(of: "{yyyy}", with: UTCDay.pad(day.year, 4))
            .replacingOccurrences(of: "{yy}", with: UTCDay.pad(((day.year % 100) + 100) % 100, 2))
            .replacingOccurrences(of: "{ddd}", with: UTCDay.pad(day.dayOfYear, 3))
            .replacingOccurrences(of: "{prefix}", with: prefix.lowercased())
            .replacingOccurrences(of: "{PREFIX}", with: prefix.uppercased())
            .replacingOccurrences(of: "{AC}", with: analysisCentre(prefix))
    }

    static func analysisCentre(_ prefix: String) -> String {
        String(prefix.prefix(3)).uppercased()
    }

    // MARK: - Download

    private struct DownloadFailure: Error {
        var reason: String
    }

    /// Downloads `url` into the directory under a candidate name; returns the final path.
    private func download(url: String, day: UTCDay, names: [String]) throws(DownloadFailure) -> String {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
              ["http", "https", "ftp"].contains(scheme) else {
            throw DownloadFailure(reason: "not an http, https or ftp URL")
        }
        guard timeout > 0, timeout.isFinite else { throw DownloadFailure(reason: "the timeout \(timeout) s is not positive") }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw DownloadFailure(reason: "cannot create the directory: \(error.localizedDescription)")
        }
        let attempts = max(1, retries)
        var failures: [String] = []
        var body = Data()
        for attempt in 1...attempts {
            if attempt > 1 {
                // Short backoff: 0.25 s, 0.5 s, 1 s, ... at most 4 s.
                Thread.sleep(forTimeInterval: min(4, 0.25 * pow(2, Double(attempt - 2))))
            }
            switch HTTPFetch.get(parsed, timeout: timeout) {
            case .success(let data):
                body = data
                failures = []
            case .failure(let failure):
                failures.append(failure.message)
                if failure.retryable && attempt < attempts { continue }
                if attempt == 1 { throw DownloadFailure(reason: failure.message) }
                if Set(failures).count == 1 { throw DownloadFailure(reason: failure.message + " (\(attempt) attempts)") }
                throw DownloadFailure(reason: "\(attempt) attempts: \(failures.joined(separator: "; then "))")
            }
            break
        }

        // Keep the name the server gives when it is one the next lookup will try.
        let fileName = parsed.lastPathComponent
        let bytes = [UInt8](body)
        let finalName: String
        if names.contains(fileName) {
            finalName = fileName
        } else {
            let plain = "\(prefix.lowercased())\(UTCDay.pad(day.dayOfYear, 3))0.\(UTCDay.pad(((day.year % 100) + 100) % 100, 2))i"
            if bytes.starts(with: [0x1F, 0x9D]) {
                finalName = plain + ".Z"
            } else if bytes.starts(with: [0x1F, 0x8B]) {
                finalName = plain + ".gz"
            } else {
                finalName = plain
            }
        }
        let finalPath = (directory as NSString).appendingPathComponent(finalName)
        let temporary = (directory as NSString).appendingPathComponent(".\(finalName).download-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporary, contents: body) else {
            throw DownloadFailure(reason: "cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        var keep = false
        defer { if !keep { unlink(temporary) } }
        let maps: IONEXMaps
        do {
            maps = try IONEXMaps.read(path: temporary)
        } catch let error as IONEXError {
            var shown = error
            shown.file = url
            throw DownloadFailure(reason: "the body (\(body.count) bytes) is not a readable IONEX file: \(shown)")
        } catch {
            throw DownloadFailure(reason: "the body (\(body.count) bytes) is not a readable IONEX file: \(error)")
        }
        let covers = maps.epochs.contains { UTCDay(mjdSeconds: $0) == day }
        guard covers else {
            throw DownloadFailure(reason: "the file's maps (\(UTCDay.timestamp(mjdSeconds: maps.span.lowerBound)) to "
                + "\(UTCDay.timestamp(mjdSeconds: maps.span.upperBound))) have none on \(day)")
        }
        guard rename(temporary, finalPath) == 0 else {
            throw DownloadFailure(reason: "cannot rename the download to \(finalPath): \(String(cString: strerror(errno)))")
        }
        keep = true
        return finalPath
    }
}
