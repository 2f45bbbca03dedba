#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `stat` says about a file: enough to tell, without reading it, that it has not changed.
public struct FileSignature: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var mtimeNs: Int64
    public var ctimeNs: Int64

    public init(device: UInt64, inode: UInt64, size: Int64, mtimeNs: Int64, ctimeNs: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.mtimeNs = mtimeNs
        self.ctimeNs = ctimeNs
    }

    /// The signature of the file at `path` (following symlinks), or nil if it does not exist
    /// or is not a regular file.
    public static func of(_ path: String) -> FileSignature? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return FileSignature(st)
    }

    public init(_ st: stat) {
        #if canImport(Glibc)
        let m = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        let c = Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec)
        #else
        let m = Int64(st.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(st.st_mtimespec.tv_nsec)
        let c = Int64(st.st_ctimespec.tv_sec) * 1_000_000_000 + Int64(st.st_ctimespec.tv_nsec)
        #endif
        self.init(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                  mtimeNs: m, ctimeNs: c)
    }

    /// The later of mtime and ctime: the last moment the file's content could have changed.
    public var lastChangeNs: Int64 { max(mtimeNs, ctimeNs) }

    func encode(into w: inout ByteWriter) {
        w.u64(device); w.u64(inode); w.i64(size); w.i64(mtimeNs); w.i64(ctimeNs)
    }

    static func decode(_ r: inout ByteReader) throws -> FileSignature {
        FileSignature(device: try r.u64(), inode: try r.u64(), size: try r.i64(),
                      mtimeNs: try r.i64(), ctimeNs: try r.i64())
    }
}
