#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cuts a large JSON Lines file into parts at line boundaries, so several threads can read
/// it at once. Each part is read with `JSONReader(source:segment:)` over a
/// `FileRangeByteSource`, numbered from a `RecordPosition` (the part's first byte, the line
/// it starts on and the records before it); concatenated in order, the parts give exactly the records of one
/// reader over the whole file.
public enum JSONLinesSplit {
    /// Byte ranges of about `partBytes` each, every one but the first starting just after a
    /// newline; nil when the file is not a plain regular file read as JSON Lines or is
    /// smaller than two parts.
    public static func ranges(path: String, partBytes: Int) throws(IngestError) -> [Range<Int64>]? {
        guard path != "-", partBytes > 0 else { return nil }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let size = Int64(info.st_size)
        guard size >= 2 * Int64(partBytes) else { return nil }
        // only what one reader would frame as JSON Lines (gzip and JSON documents are not cut)
        let whole = try InputOpener.open(path)
        guard whole.container == .plain, whole.format == .json else { return nil }
        let probe = try JSONReader(source: whole.source)
        _ = try probe.next()
        guard probe.framing == .lines else { return nil }

        let file = try FileRangeByteSource(path: path, range: 0..<size)
        var starts: [Int64] = [0]
        var nominal = Int64(partBytes)
        while nominal < size {
            guard let next = try file.offsetAfterNewline(from: nominal) else { break }
            if next >= size { break }
            if next > starts[starts.count - 1] { starts.append(next) }
            nominal = max(next, nominal) + Int64(partBytes)
        }
        guard starts.count > 1 else { return nil }
        return starts.indices.map { k in starts[k]..<(k + 1 < starts.count ? starts[k + 1] : size) }
    }
}

/// A byte range of a regular file, read with `pread` (several can read one file at once).
public final class FileRangeByteSource: ByteSource {
    public let name: String
    private let fd: Int32
    var descriptor: Int32 { fd }
    private var offset: Int64
    private let end: Int64

    public init(path: String, range: Range<Int64>) throws(IngestError) {
        name = path
        let opened = open(path, O_RDONLY)
        guard opened >= 0 else {
            throw IngestError(.io, "cannot open: \(String(cString: strerror(errno)))", file: path)
        }
        fd = opened
        offset = range.lowerBound
        end = range.upperBound
    }

    deinit { close(fd) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        let wanted = Int(min(Int64(buffer.count), end - offset))
        guard wanted > 0 else { return 0 }
        while true {
            let n = pread(fd, buffer.baseAddress, wanted, off_t(offset))
            if n >= 0 {
                offset += Int64(n)
                return n
            }
            if errno == EINTR { continue }
            throw IngestError(.io, "read failed: \(String(cString: strerror(errno)))", file: name)
        }
    }

    /// The whole unread range mapped into memory, so a reader parses the page cache in place
    /// instead of copying it out with `pread` (a kernel copy that was 4% of a 1M run's CPU);
    /// nil when nothing was mapped (an empty range, a read already started, `mmap` refused).
    public func mapped() -> MappedBytes? {
        guard offset < end else { return nil }
        return MappedBytes(fd: fd, range: offset..<end)
    }

    /// The offset just after the first newline at or after `from`; nil when there is none.
    func offsetAfterNewline(from: Int64) throws(IngestError) -> Int64? {
        var at = from
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while at < end {
            let wanted = Int(min(Int64(chunk.count), end - at))
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, wanted, off_t(at)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw IngestError(.io, "read failed: \(String(cString: strerror(errno)))", file: name)
            }
            if n == 0 { return nil }
            if let k = chunk[0..<n].firstIndex(of: 0x0A) { return at + Int64(k) + 1 }
            at += Int64(n)
        }
        return nil
    }
}

/// A read-only view of a file range, mapped privately (the reader never writes to it, and a
/// private mapping keeps the file safe if it did) and unmapped when released.
public final class MappedBytes {
    private let mapping: UnsafeMutableRawPointer
    private let mappedLength: Int
    /// The range's bytes, inside the mapping.
    public let bytes: UnsafeMutableRawBufferPointer

    init?(fd: Int32, range: Range<Int64>) {
        let page = Int64(sysconf(Int32(_SC_PAGESIZE)))
        let alignedStart = range.lowerBound / page * page
        let length = Int(range.upperBound - alignedStart)
        guard let base = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, off_t(alignedStart)),
            base != MAP_FAILED
        else { return nil }
        madvise(base, length, MADV_SEQUENTIAL)
        mapping = base
        mappedLength = length
        bytes = UnsafeMutableRawBufferPointer(
            start: base + Int(range.lowerBound - alignedStart), count: Int(range.upperBound - range.lowerBound))
    }

    deinit { munmap(mapping, mappedLength) }
}
