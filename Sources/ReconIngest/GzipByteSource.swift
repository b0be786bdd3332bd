import CZlib

/// The gzip reader recon uses: ISA-L's igzip where the build found it (x86-64 with
/// `libisal-dev`), zlib otherwise. Both behave the same on every input (a differential test
/// checks it): the same bytes, the same errors.
#if RECON_ISAL
    public typealias GzipByteSource = IsalGzipByteSource
#else
    public typealias GzipByteSource = ZlibGzipByteSource
#endif

/// Inflates gzip data from a base source as it is read, through zlib directly.
///
/// Handles concatenated members (`cat a.gz b.gz`, what `gzip` itself accepts) by resetting
/// the stream at each member's end. A stream that ends before its trailer is an error naming
/// the compressed byte offset, never a silently short file.
public final class ZlibGzipByteSource: ByteSource {
    public var name: String { base.name }
    private let base: any ByteSource
    private var stream = z_stream()
    private let input: UnsafeMutableRawBufferPointer
    /// Compressed bytes consumed by zlib so far, across members.
    private var compressedOffset: Int64 = 0
    private var baseExhausted = false
    private var memberEnded = false
    private var finished = false
    /// Bytes produced so far, checked against the expansion limit.
    private var produced: Int64 = 0

    public init(base: any ByteSource) throws(IngestError) {
        self.base = base
        input = .allocate(byteCount: IngestLimits.readChunkBytes, alignment: 1)
        // 15 window bits + 16: gzip wrapper only (zlib's "auto" mode would also take raw zlib)
        let status = recon_inflateInit2(&stream, 15 + 16)
        guard status == Z_OK else {
            input.deallocate()
            throw IngestError(.io, "zlib could not start (code \(status))", file: base.name)
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
        while stream.avail_out > 0 {
            if memberEnded {
                guard try startNextMember() else { break }
            }
            if stream.avail_in == 0 && !baseExhausted {
                let n = try base.read(into: input)
                if n == 0 {
                    baseExhausted = true
                } else {
                    stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_in = UInt32(n)
                }
            }
            let inBefore = stream.avail_in
            let outBefore = stream.avail_out
            let status = inflate(&stream, Z_NO_FLUSH)
            compressedOffset += Int64(inBefore - stream.avail_in)
            switch status {
            case Z_STREAM_END:
                memberEnded = true
            case Z_OK, Z_BUF_ERROR:
                // no input left, none coming, and zlib produced nothing: the member is cut off
                if stream.avail_in == 0 && baseExhausted && stream.avail_out == outBefore {
                    throw IngestError(
                        .truncatedGzip,
                        "gzip stream is truncated: it ends at compressed byte \(compressedOffset) "
                            + "before the end of its member (was the download cut short?)",
                        file: name, byte: compressedOffset)
                }
            default:
                let detail = stream.msg.map { String(cString: $0) } ?? "code \(status)"
                throw IngestError(
                    .corruptGzip,
                    "gzip data is corrupt near compressed byte \(compressedOffset): \(detail)",
                    file: name, byte: compressedOffset)
            }
        }
        let n = buffer.count - Int(stream.avail_out)
        produced += Int64(n)
        if let error = IngestLimits.expansion(produced, from: compressedOffset, file: name) { throw error }
        return n
    }

    /// After a member's end: another member follows (reset), only zero padding follows
    /// (done, as gzip(1) does), or garbage follows (an error).
    private func startNextMember() throws(IngestError) -> Bool {
        while stream.avail_in == 0 && !baseExhausted {
            let n = try base.read(into: input)
            if n == 0 {
                baseExhausted = true
            } else {
                stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = UInt32(n)
            }
        }
        if stream.avail_in == 0 {
            finished = true
            return false
        }
        if stream.next_in[0] == 0x1F {
            inflateReset(&stream)
            memberEnded = false
            return true
        }
        // trailing zeros (tape padding) are ignored; anything else is damage
        while true {
            for i in 0..<Int(stream.avail_in) where stream.next_in[i] != 0 {
                throw IngestError(
                    .corruptGzip,
                    "unexpected bytes after the end of the gzip data at compressed byte "
                        + "\(compressedOffset + Int64(i))",
                    file: name, byte: compressedOffset + Int64(i))
            }
            compressedOffset += Int64(stream.avail_in)
            stream.avail_in = 0
            let n = try base.read(into: input)
            if n == 0 { break }
            stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_in = UInt32(n)
        }
        baseExhausted = true
        finished = true
        return false
    }
}
