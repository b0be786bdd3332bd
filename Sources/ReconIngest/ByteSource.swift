#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stream of bytes a reader pulls from: a file, stdin, or a decompressor over either.
///
/// A class-bound protocol because each source owns a resource (a descriptor, a `z_stream`)
/// and must be used by one reader at a time.
public protocol ByteSource: AnyObject {
    /// The name used in messages (`settlement.csv.gz`, `-` for stdin).
    var name: String { get }
    /// Fills up to `buffer.count` bytes; returns 0 only at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int
}

/// Limits named with their units (house style: visible, documented, overridable in tests).
public enum IngestLimits {
    /// Size of each read from a file or decompressor.
    public static let readChunkBytes = 1 << 20
    /// Largest single record (CSV row, JSON value) a reader accepts.
    public static let recordBytesMax = 64 << 20
    /// Largest whole JSON document read as one value (an envelope such as `{"data":[...]}`).
    public static let jsonDocumentBytesMax = 1 << 30
    /// Decompressed bytes allowed per compressed byte of a gzip file or zip entry, past the
    /// first `expansionFloorBytes`: settlement text compresses 5 to 20 times, a compression bomb
    /// thousands. `RECON_MAX_EXPANSION` (a whole number) raises it for a file that is genuine.
    public static let expansionRatioMax: Int64 = {
        guard let text = getenv("RECON_MAX_EXPANSION").map({ String(cString: $0) }), let n = Int64(text), n > 0
        else { return 200 }
        return n
    }()
    public static let expansionFloorBytes: Int64 = 64 << 20

    /// The error for output past the expansion limit, naming the limit and how to raise it.
    static func expansion(_ produced: Int64, from compressed: Int64, file: String) -> IngestError? {
        guard produced > expansionFloorBytes, produced / max(1, compressed) > expansionRatioMax else { return nil }
        return IngestError(
            .limitExceeded,
            "\(compressed) compressed bytes inflate to more than \(produced) (over \(expansionRatioMax) times): "
                + "refused as a likely compression bomb; if the file is genuine, set RECON_MAX_EXPANSION to a larger "
                + "ratio", file: file)
    }
}

/// Reads a file descriptor: a regular file, a pipe, or stdin.
public final class FileByteSource: ByteSource {
    public let name: String
    private let fd: Int32
    private let ownsDescriptor: Bool

    /// Opens `path` for reading; `-` means standard input.
    public init(path: String) throws(IngestError) {
        name = path
        if path == "-" {
            fd = 0
            ownsDescriptor = false
            return
        }
        let opened = open(path, O_RDONLY)
        guard opened >= 0 else {
            throw IngestError(.io, "cannot open: \(String(cString: strerror(errno)))", file: path)
        }
        var info = stat()
        if fstat(opened, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            close(opened)
            throw IngestError(.io, "is a directory, not a file", file: path)
        }
        fd = opened
        ownsDescriptor = true
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw IngestError(.io, "read failed: \(String(cString: strerror(errno)))", file: name)
        }
    }
}

/// Serves bytes already read (a sniffed prefix) before the rest of the base source.
public final class PrefixedByteSource: ByteSource {
    public var name: String { base.name }
    private var prefix: [UInt8]
    private var offset = 0
    private let base: any ByteSource
    /// An error met while reading the prefix, raised when the reader gets to it, so that the
    /// records before it are still read.
    private var pendingError: IngestError?

    public init(prefix: [UInt8], base: any ByteSource, pendingError: IngestError? = nil) {
        self.prefix = prefix
        self.base = base
        self.pendingError = pendingError
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        if offset < prefix.count {
            let n = min(buffer.count, prefix.count - offset)
            prefix.withUnsafeBytes { bytes in
                buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + offset, byteCount: n)
            }
            offset += n
            if offset == prefix.count {
                prefix = []
                offset = Int.max
            }
            return n
        }
        if let error = pendingError { throw error }
        return try base.read(into: buffer)
    }
}

/// Bytes held in memory (tests, small documents).
public final class MemoryByteSource: ByteSource {
    public let name: String
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8], name: String = "<memory>") {
        self.bytes = bytes
        self.name = name
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        let n = min(buffer.count, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n)
        }
        offset += n
        return n
    }
}

/// Reads a source to its end (small inputs only: configs, tests).
public func readAll(_ source: any ByteSource) throws(IngestError) -> [UInt8] {
    var result: [UInt8] = []
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 1)
    defer { chunk.deallocate() }
    while true {
        let n = try source.read(into: chunk)
        if n == 0 { return result }
        result.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
    }
}

/// Serves small reads from 1 MiB reads of its base. libxml2 asks its input for about 4 KB at a
/// time; straight to a file that was a system call per 4 KB, a tenth of a statement's reading.
public final class BufferedByteSource: ByteSource {
    public var name: String { base.name }
    private let base: any ByteSource
    private let buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0

    public init(base: any ByteSource, bytes: Int = IngestLimits.readChunkBytes) {
        self.base = base
        buffer = .allocate(byteCount: bytes, alignment: 16)
    }

    deinit { buffer.deallocate() }

    public func read(into target: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        guard target.count > 0 else { return 0 }
        if start == end {
            // a large request bypasses the buffer
            if target.count >= buffer.count { return try base.read(into: target) }
            start = 0
            end = try base.read(into: buffer)
            if end == 0 { return 0 }
        }
        let n = min(target.count, end - start)
        target.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: n)
        start += n
        return n
    }
}
