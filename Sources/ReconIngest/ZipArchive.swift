import CZlib

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The entries of a zip file, from its central directory (read with `pread`, so only a file
/// path works, not stdin). Alipay hands out its bills as `csv.zip`: the detail file and a
/// summary (`…(汇总).csv`); recon reads the one data file a settlement zip holds.
public struct ZipArchive {
    public struct Entry: Sendable {
        /// The name as stored (GBK in Alipay's zips, decoded as GB18030 when not UTF-8).
        public var name: String
        var nameBytes: [UInt8]
        var method: UInt16
        var flags: UInt16
        var crc: UInt32
        var compressedSize: Int64
        var size: Int64
        var localHeaderOffset: Int64
        public var isDirectory: Bool { nameBytes.last == UInt8(ascii: "/") }
    }

    public let path: String
    public let entries: [Entry]

    public init(path: String) throws(IngestError) {
        self.path = path
        let file = try FileRangeByteSource(path: path, range: 0..<Int64.max)
        var info = stat()
        guard stat(path, &info) == 0 else { throw IngestError(.io, "cannot read the zip", file: path) }
        let size = Int64(info.st_size)
        // the end-of-central-directory record sits in the last 64 KiB + 22 bytes
        let tailLength = Int(min(size, 65_557))
        let tail = try file.bytes(at: size - Int64(tailLength), count: tailLength)
        guard
            let eocd = stride(from: tail.count - 22, through: 0, by: -1).first(where: {
                Self.u32(tail, $0) == 0x0605_4B50
            })
        else { throw IngestError(.malformedZip, "no end of central directory: not a complete zip file", file: path) }
        let count = Int(Self.u16(tail, eocd + 10))
        let directorySize = Int(Self.u32(tail, eocd + 12))
        let directoryOffset = Int64(Self.u32(tail, eocd + 16))
        if count == 0xFFFF || directoryOffset == 0xFFFF_FFFF {
            throw IngestError(.malformedZip, "zip64 archives are not read; unzip the file first", file: path)
        }
        // sizes from the archive are its word, checked against the file before anything is
        // allocated from them
        guard directoryOffset + Int64(directorySize) <= size else {
            throw IngestError(
                .malformedZip, "the central directory claims \(directorySize) bytes at \(directoryOffset), past the "
                    + "end of the \(size)-byte file", file: path)
        }
        let directory = try file.bytes(at: directoryOffset, count: directorySize)
        var entries: [Entry] = []
        var at = 0
        for _ in 0..<count {
            guard at + 46 <= directory.count, Self.u32(directory, at) == 0x0201_4B50 else {
                throw IngestError(
                    .malformedZip, "the central directory is damaged", file: path, byte: directoryOffset + Int64(at))
            }
            let nameLength = Int(Self.u16(directory, at + 28))
            let extraLength = Int(Self.u16(directory, at + 30))
            let commentLength = Int(Self.u16(directory, at + 32))
            let nameBytes = Array(directory[(at + 46)..<min(directory.count, at + 46 + nameLength)])
            let flags = Self.u16(directory, at + 8)
            let utf8 = flags & 0x0800 != 0 || TextEncoding.isValidUTF8(nameBytes, allowCutEnd: false)
            let name = utf8 ? String(decoding: nameBytes, as: UTF8.self) : Self.gb18030(nameBytes)
            entries.append(
                Entry(
                    name: name, nameBytes: nameBytes, method: Self.u16(directory, at + 10), flags: flags,
                    crc: Self.u32(directory, at + 16), compressedSize: Int64(Self.u32(directory, at + 20)),
                    size: Int64(Self.u32(directory, at + 24)), localHeaderOffset: Int64(Self.u32(directory, at + 42))))
            at += 46 + nameLength + extraLength + commentLength
            let claimed = entries[entries.count - 1]
            guard claimed.localHeaderOffset + claimed.compressedSize <= size else {
                throw IngestError(
                    .malformedZip, "the entry \(name) claims \(claimed.compressedSize) compressed bytes, past the end "
                        + "of the \(size)-byte file", file: path)
            }
        }
        self.entries = entries
    }

    /// The entry a settlement zip is read through: its only file, or its only file that is not
    /// a summary (`汇总`). Several data files are an error naming them, never a silent choice.
    public func dataEntry() throws(IngestError) -> Entry {
        let files = entries.filter { !$0.isDirectory }
        if files.contains(where: { $0.name == "[Content_Types].xml" }) {
            let kind =
                files.contains { $0.name.hasPrefix("xl/") } ? "an Excel workbook (XLSX)"
                : files.contains { $0.name.hasPrefix("word/") } ? "a Word document (DOCX)" : "an Office document"
            throw IngestError(
                .malformedZip,
                "\(kind), not a settlement export recon reads (CSV, JSON, XML, optionally zipped or gzipped); "
                    + "save the sheet as CSV, or use the provider's CSV or XML version of the report",
                file: path)
        }
        let data =
            files.count > 1
            ? files.filter { !$0.name.contains("汇总") && !$0.name.lowercased().contains("summary") } : files
        guard data.count == 1 else {
            throw IngestError(
                .malformedZip,
                files.isEmpty
                    ? "the zip holds no file"
                    : "the zip holds \(data.count) data files (\(data.map(\.name).joined(separator: ", "))); "
                        + "unzip it and give them one by one",
                file: path)
        }
        return data[0]
    }

    /// The entry's content as it is inflated (stored and deflate entries), its CRC checked.
    public func open(_ entry: Entry) throws(IngestError) -> any ByteSource {
        if entry.flags & 0x0001 != 0 {
            throw IngestError(
                .malformedZip,
                "the entry \(entry.name) is encrypted (password-protected); recon does not take passwords: "
                    + "unzip it with the password and give recon the file inside", file: path)
        }
        let file = try FileRangeByteSource(path: path, range: 0..<Int64.max)
        let header = try file.bytes(at: entry.localHeaderOffset, count: 30)
        guard header.count == 30, Self.u32(header, 0) == 0x0403_4B50 else {
            throw IngestError(.malformedZip, "the entry \(entry.name) has no local header", file: path)
        }
        let dataStart = entry.localHeaderOffset + 30 + Int64(Self.u16(header, 26)) + Int64(Self.u16(header, 28))
        let data = try FileRangeByteSource(path: path, range: dataStart..<(dataStart + entry.compressedSize))
        switch entry.method {
        case 0: return CRCCheckedByteSource(base: data, expected: entry.crc, size: entry.size, entry: entry.name)
        case 8:
            let inflated = try RawInflateByteSource(base: data, entry: entry.name)
            return CRCCheckedByteSource(base: inflated, expected: entry.crc, size: entry.size, entry: entry.name)
        default:
            throw IngestError(
                .malformedZip,
                "the entry \(entry.name) uses compression method \(entry.method); recon reads "
                    + "stored and deflate entries", file: path)
        }
    }

    static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { i + 1 < b.count ? UInt16(b[i]) | UInt16(b[i + 1]) << 8 : 0 }
    static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        i + 3 < b.count ? UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24 : 0
    }

    static func gb18030(_ bytes: [UInt8]) -> String {
        guard let source = try? TranscodingByteSource(base: MemoryByteSource(bytes), encoding: .gb18030),
            let decoded = try? readAll(source)
        else { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: decoded, as: UTF8.self)
    }
}

extension FileRangeByteSource {
    /// `count` bytes at `offset` (fewer at the end of the file).
    func bytes(at offset: Int64, count: Int) throws(IngestError) -> [UInt8] {
        guard count >= 0, count <= 1 << 30 else {
            throw IngestError(
                .limitExceeded, "a read of \(count) bytes at \(offset) is beyond recon's limits", file: name)
        }
        var result = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = result.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw IngestError(.io, "read failed: \(String(cString: strerror(errno)))", file: name)
            }
            if n == 0 { break }
            filled += n
        }
        return Array(result[0..<filled])
    }
}

/// Raw deflate (zip entries have no gzip or zlib wrapper) through zlib.
final class RawInflateByteSource: ByteSource {
    var name: String { base.name }
    private let base: any ByteSource
    private let entry: String
    private var stream = z_stream()
    private let input: UnsafeMutableRawBufferPointer
    private var finished = false
    private var produced: Int64 = 0

    init(base: any ByteSource, entry: String) throws(IngestError) {
        self.base = base
        self.entry = entry
        input = .allocate(byteCount: 1 << 20, alignment: 1)
        guard recon_inflateInit2(&stream, -15) == Z_OK else {
            input.deallocate()
            throw IngestError(.io, "zlib could not start", file: base.name)
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
        while stream.avail_out > 0 && !finished {
            if stream.avail_in == 0 {
                let n = try base.read(into: input)
                if n == 0 {
                    throw IngestError(.malformedZip, "the entry \(entry) ends before its data does", file: name)
                }
                stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = UInt32(n)
            }
            let status = inflate(&stream, Z_NO_FLUSH)
            if status == Z_STREAM_END {
                finished = true
            } else if status != Z_OK && status != Z_BUF_ERROR {
                throw IngestError(.malformedZip, "the entry \(entry) is damaged (zlib code \(status))", file: name)
            }
        }
        let n = buffer.count - Int(stream.avail_out)
        produced += Int64(n)
        if let error = IngestLimits.expansion(produced, from: Int64(stream.total_in), file: name) { throw error }
        return n
    }
}

/// Passes bytes through and, at the end, checks their CRC-32 and length against the zip's.
final class CRCCheckedByteSource: ByteSource {
    var name: String { base.name }
    private let base: any ByteSource
    private let expected: UInt32
    private let size: Int64
    private let entry: String
    private var crc: uLong = crc32(0, nil, 0)
    private var count: Int64 = 0

    init(base: any ByteSource, expected: UInt32, size: Int64, entry: String) {
        self.base = base
        self.expected = expected
        self.size = size
        self.entry = entry
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        let n = try base.read(into: buffer)
        if n > 0 {
            crc = crc32(crc, buffer.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt(n))
            count += Int64(n)
        } else if UInt32(truncatingIfNeeded: crc) != expected || count != size {
            throw IngestError(
                .malformedZip, "the entry \(entry) does not match its checksum or size: the zip is damaged", file: name,
                byte: count)
        }
        return n
    }
}
