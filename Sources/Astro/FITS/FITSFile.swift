import CFITSIO
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An open FITS file: one cfitsio handle, positioned at one HDU at a time.
///
/// Files opened for reading are never modified. Files created with `create` are written
/// under a temporary name beside the destination and appear under their real name only
/// when `commit()` succeeds; a file that is closed, dropped or fails before that is deleted,
/// so a crash never leaves a half-written FITS file that looks finished.
///
/// Paths are taken literally (cfitsio's extended filename syntax such as `file.fits[1]`
/// is not interpreted). One instance must be used by one thread at a time.
/// Makes temporary names unique among files created by this process.
private let temporarySerial = Atomic<Int>(0)
private let processID = getpid()

public final class FITSFile {
    /// The path the caller named (the final path for created files).
    public let path: String
    var handle: UnsafeMutablePointer<fitsfile>?
    /// For created files: the temporary path being written (nil once handed over).
    var temporaryPath: String?
    /// Size of the file when opened for reading, to detect truncated data units.
    let fileSize: Int64
    /// Write DATASUM/CHECKSUM cards into each HDU before leaving it.
    let writesChecksums: Bool
    var currentHDUNeedsChecksum = false
    /// The memory-mapped fast path for the current HDU: nil until first asked for.
    var mapped: MappedImageReader??

    private init(path: String, handle: UnsafeMutablePointer<fitsfile>?, temporaryPath: String?,
                 fileSize: Int64, writesChecksums: Bool) {
        self.path = path
        self.handle = handle
        self.temporaryPath = temporaryPath
        self.fileSize = fileSize
        self.writesChecksums = writesChecksums
    }

    /// A cfitsio memory file (nothing on disk), for rendering headers.
    convenience init(path: String, memoryHandle: UnsafeMutablePointer<fitsfile>) {
        self.init(path: path, handle: memoryHandle, temporaryPath: nil, fileSize: 0, writesChecksums: false)
    }

    deinit {
        if let handle {
            var status: Int32 = 0
            ffclos(handle, &status)
        }
        if let temporaryPath { unlink(temporaryPath) }
    }

    /// Opens an existing file read-only at its primary HDU.
    public static func open(_ path: String) throws -> FITSFile {
        var st = stat()
        guard stat(path, &st) == 0 else {
            let reason = String(cString: strerror(errno))
            throw FITSError.invalid(path: path, message: "cannot open: \(reason)")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw FITSError.invalid(path: path, message: "not a regular file")
        }
        var handle: UnsafeMutablePointer<fitsfile>?
        var status: Int32 = 0
        ffdkopn(&handle, path, READONLY, &status)
        if status != 0 {
            if let handle { var s: Int32 = 0; ffclos(handle, &s) }
            throw openError(path: path, status: status, size: Int64(st.st_size))
        }
        let file = FITSFile(path: path, handle: handle, temporaryPath: nil,
                            fileSize: Int64(st.st_size), writesChecksums: false)
        try file.checkDataPresent()
        return file
    }

    /// Creates a new file that will replace `path` on `commit()`.
    ///
    /// - Parameter checksums: write DATASUM and CHECKSUM cards in every HDU, so later
    ///   readers can detect corruption with `verifyChecksums()`. Off by default: cfitsio
    ///   stamps the time into the CHECKSUM comment, which would make identical data
    ///   produce different bytes (and defeat the engine's early cutoff).
    public static func create(_ path: String, checksums: Bool = false) throws -> FITSFile {
        let temporary = temporaryName(for: path)
        unlink(temporary)
        var handle: UnsafeMutablePointer<fitsfile>?
        var status: Int32 = 0
        ffdkinit(&handle, temporary, &status)
        if status != 0 {
            throw FITSError.cfitsio(path: path, operation: "create", status: status,
                                    text: cfitsioErrorText(status))
        }
        return FITSFile(path: path, handle: handle, temporaryPath: temporary, fileSize: 0,
                        writesChecksums: checksums)
    }

    /// Finishes a created file: checksums, flush, close, `fsync` (unless `sync` is false,
    /// for callers that sync many files at once), and rename onto the final path.
    public func commit(sync: Bool = true) throws {
        let temporaryPath = try finishUnrenamed()
        if sync {
            let fd = Glibc.open(temporaryPath, O_RDONLY)
            if fd >= 0 {
                fsync(fd)
                Glibc.close(fd)
            }
        }
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw FITSError.invalid(path: path, message: "cannot rename the finished file into place: \(reason)")
        }
    }

    /// Finishes a created file without putting it in place: checksums, flush, close. Returns
    /// the temporary path, which the caller now owns (to rename onto `path`, or delete).
    public func finishUnrenamed() throws -> String {
        guard let temporaryPath else {
            throw FITSError.invalid(path: path, message: "commit() on a file opened for reading")
        }
        try finishCurrentHDU()
        var status: Int32 = 0
        ffclos(handle, &status)
        handle = nil
        if status != 0 {
            throw FITSError.cfitsio(path: path, operation: "close", status: status,
                                    text: cfitsioErrorText(status))
        }
        self.temporaryPath = nil
        return temporaryPath
    }

    /// Closes the file. A created file that was not committed is deleted.
    public func close() {
        if let handle {
            var status: Int32 = 0
            ffclos(handle, &status)
            self.handle = nil
        }
    }

    // MARK: - HDUs

    /// Number of HDUs in the file.
    public func hduCount() throws -> Int {
        var n: Int32 = 0
        try call("count HDUs") { ffthdu(handle, &n, &$0) }
        return Int(n)
    }

    /// Moves to HDU `number` (1 = primary).
    public func moveTo(hdu number: Int) throws {
        guard (1...Int(Int32.max)).contains(number) else {
            throw FITSError.invalid(path: path, message: "there is no HDU \(number) (HDUs are numbered from 1)")
        }
        try finishCurrentHDU()
        var type: Int32 = 0
        mapped = nil
        try call("move to HDU \(number)") { ffmahd(handle, Int32(number), &type, &$0) }
        if temporaryPath == nil { try checkDataPresent() }
    }

    /// Moves to the first extension whose EXTNAME is `name`.
    public func moveTo(extension name: String) throws {
        try finishCurrentHDU()
        var buffer = Array(name.utf8CString)
        mapped = nil
        try call("find extension '\(name)'") { ffmnhd(handle, ANY_HDU, &buffer, 0, &$0) }
        if temporaryPath == nil { try checkDataPresent() }
    }

    /// Checks DATASUM/CHECKSUM of the current HDU. Returns false when the file has no
    /// checksum cards; throws when they are present and do not match.
    @discardableResult
    public func verifyChecksums() throws -> Bool {
        var dataStatus: Int32 = 0
        var hduStatus: Int32 = 0
        try call("verify checksums") { ffvcks(handle, &dataStatus, &hduStatus, &$0) }
        if dataStatus < 0 || hduStatus < 0 {
            throw FITSError.invalid(path: path, message: "checksum mismatch: the file is corrupt (\(dataStatus < 0 ? "data" : "header") checksum differs)")
        }
        return dataStatus == 1 && hduStatus == 1
    }

    // MARK: - Internals

    /// Runs one cfitsio call, turning a nonzero status into a FITSError naming the file.
    func call(_ operation: @autoclosure () -> String, _ body: (inout Int32) -> Int32) throws {
        var status: Int32 = 0
        _ = body(&status)
        if status != 0 {
            throw FITSError.cfitsio(path: path, operation: operation(), status: status,
                                    text: cfitsioErrorText(status))
        }
    }

    func finishCurrentHDU() throws {
        guard currentHDUNeedsChecksum else { return }
        currentHDUNeedsChecksum = false
        if writesChecksums {
            try call("write checksums") { ffpcks(handle, &$0) }
        }
    }

    /// Fails when the current HDU's header promises more data than the file holds. The
    /// size is the one cfitsio sees (a gzipped file's uncompressed size), and a
    /// tile-compressed image is judged by the table that holds it, not the image it makes.
    func checkDataPresent() throws {
        var headStart: Int64 = 0, dataStart: Int64 = 0, dataEnd: Int64 = 0
        try call("locate HDU") { ffghadll(handle, &headStart, &dataStart, &dataEnd, &$0) }
        let needed = try dataBytes()
        let size = logicalFileSize
        let (end, overflow) = dataStart.addingReportingOverflow(needed)
        if overflow || end > size {
            throw FITSError.invalid(path: path, message: "file is truncated: the header promises \(needed) bytes of data from byte \(dataStart), but the file has \(size) bytes")
        }
    }

    /// The file's size as cfitsio reads it (uncompressed, for a gzipped file).
    var logicalFileSize: Int64 {
        guard let handle, let shared = handle.pointee.Fptr else { return fileSize }
        return max(fileSize, Int64(shared.pointee.logfilesize))
    }

    /// Bytes of data in the current HDU (without the padding to 2880), from the header as
    /// written (for a compressed image, its table), with every product checked for
    /// overflow: a header whose sizes cannot be real is an error naming the card.
    func dataBytes() throws -> Int64 {
        var hduType: Int32 = 0
        try call("read HDU type") { ffghdt(handle, &hduType, &$0) }
        if hduType == IMAGE_HDU, try !isCompressedImage() {
            var bitpix: Int32 = 0
            var naxis: Int32 = 0
            try call("read BITPIX") { ffgidt(handle, &bitpix, &$0) }
            try call("read NAXIS") { ffgidm(handle, &naxis, &$0) }
            guard (0...999).contains(naxis) else { throw badCard("NAXIS", "\(naxis)", "expected 0 to 999 axes") }
            if naxis == 0 { return 0 }
            var axes = [Int64](repeating: 0, count: Int(naxis))
            try call("read NAXISn") { ffgiszll(handle, naxis, &axes, &$0) }
            var total = Int64(abs(bitpix) / 8)
            for (i, n) in axes.enumerated() {
                guard n >= 0 else { throw badCard("NAXIS\(i + 1)", "\(n)", "an axis length cannot be negative") }
                let (product, overflow) = total.multipliedReportingOverflow(by: n)
                guard !overflow else { throw badCard("NAXIS\(i + 1)", "\(n)", "the image would hold more than 2^63 bytes") }
                total = product
            }
            return total
        }
        let width = try headerInteger("NAXIS1"), rows = try headerInteger("NAXIS2")
        let pcount = (try? headerInteger("PCOUNT")) ?? 0
        guard width >= 0 else { throw badCard("NAXIS1", "\(width)", "a row length cannot be negative") }
        guard rows >= 0 else { throw badCard("NAXIS2", "\(rows)", "a row count cannot be negative") }
        guard pcount >= 0 else { throw badCard("PCOUNT", "\(pcount)", "a heap size cannot be negative") }
        let (table, overflow) = width.multipliedReportingOverflow(by: rows)
        let (total, overflow2) = table.addingReportingOverflow(pcount)
        guard !overflow, !overflow2 else { throw badCard("NAXIS2", "\(rows)", "the table would hold more than 2^63 bytes") }
        return total
    }

    /// An integer keyword of the current HDU's header as written.
    func headerInteger(_ keyword: String) throws -> Int64 {
        var value: Int64 = 0
        var comment = [CChar](repeating: 0, count: 80)
        try call("read \(keyword)") { ffgkyjj(handle, keyword, &value, &comment, &$0) }
        return value
    }

    /// The error for a header card whose value cannot be used, naming the HDU.
    func badCard(_ keyword: String, _ value: String, _ reason: String) -> FITSError {
        var number: Int32 = 0
        ffghdn(handle, &number)
        return .invalid(path: path, message: "HDU \(number): \(keyword) = \(value): \(reason)")
    }

    static func temporaryName(for path: String) -> String {
        let serial = temporarySerial.add(1, ordering: .relaxed).newValue
        var bytes = Array(path.utf8)
        let slash = bytes.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? 0
        bytes.insert(UInt8(ascii: "."), at: slash)
        bytes += ".tmp-\(processID)-\(serial)".utf8
        return String(decoding: bytes, as: UTF8.self)
    }

    static func openError(path: String, status: Int32, size: Int64) -> FITSError {
        let text = cfitsioErrorText(status)
        if size == 0 {
            return .invalid(path: path, message: "not a FITS file: the file is empty")
        }
        if size < 2880 {
            return .invalid(path: path, message: "not a FITS file or truncated: \(size) bytes, shorter than one 2880-byte FITS block (\(text))")
        }
        if status == 252 || status == 151 || status == 108 {
            return .invalid(path: path, message: "not a FITS file or its header is corrupt: \(text)")
        }
        return .cfitsio(path: path, operation: "open", status: status, text: text)
    }
}
