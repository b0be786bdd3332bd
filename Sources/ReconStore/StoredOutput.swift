import CZlib

#if canImport(Glibc)
    import Glibc
#endif

/// A run's report files as the store keeps them: gzip-compressed (zlib's fastest level), read
/// from disk a block at a time. A night of millions of findings wrote a discrepancies file of
/// 935 MB, read whole, copied twice and stored as it was, every night; CSV compresses about
/// sixfold. Files stored by an earlier recon, uncompressed, are given back as they are (no report
/// starts with gzip's magic bytes).
public enum StoredOutput {
    /// The file at `path`, gzip-compressed.
    public static func compressed(file path: String) throws(StoreError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw StoreError(.unavailable, "\(path): cannot read back the report just written") }
        defer { close(fd) }
        var stream = z_stream()
        guard recon_deflateInit2(&stream, Z_BEST_SPEED) == Z_OK else {
            throw StoreError(.unavailable, "\(path): zlib cannot start compressing")
        }
        defer { deflateEnd(&stream) }
        let block = 1 << 20
        var input = [UInt8](repeating: 0, count: block)
        var output = [UInt8](repeating: 0, count: block)
        var result: [UInt8] = []
        var finished = false
        while !finished {
            let count = input.withUnsafeMutableBytes { read(fd, $0.baseAddress, block) }
            guard count >= 0 else {
                throw StoreError(.unavailable, "\(path): cannot read back the report just written")
            }
            finished = count == 0
            let status: Int32 = input.withUnsafeMutableBufferPointer { bytes in
                stream.next_in = bytes.baseAddress
                stream.avail_in = UInt32(count)
                var status = Z_OK
                repeat {
                    status = output.withUnsafeMutableBufferPointer { out in
                        stream.next_out = out.baseAddress
                        stream.avail_out = UInt32(block)
                        return deflate(&stream, finished ? Z_FINISH : Z_NO_FLUSH)
                    }
                    result.append(contentsOf: output[..<(block - Int(stream.avail_out))])
                } while stream.avail_out == 0 && status == Z_OK
                return status
            }
            guard finished ? status == Z_STREAM_END : (status == Z_OK || status == Z_BUF_ERROR) else {
                throw StoreError(.unavailable, "\(path): zlib failed compressing (\(status))")
            }
        }
        return result
    }

    /// A stored file's bytes as written: expanded when compressed.
    static func expanded(_ stored: [UInt8], name: String) throws(StoreError) -> [UInt8] {
        guard stored.count >= 2, stored[0] == 0x1F, stored[1] == 0x8B else { return stored }
        var stream = z_stream()
        guard recon_inflateInit2(&stream, 15 + 16) == Z_OK else {
            throw StoreError(.unavailable, "\(name): zlib cannot start expanding the stored report")
        }
        defer { inflateEnd(&stream) }
        let block = 1 << 20
        var output = [UInt8](repeating: 0, count: block)
        var result: [UInt8] = []
        var input = stored
        var status = Z_OK
        input.withUnsafeMutableBufferPointer { bytes in
            stream.next_in = bytes.baseAddress
            stream.avail_in = UInt32(bytes.count)
            repeat {
                status = output.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(block)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                result.append(contentsOf: output[..<(block - Int(stream.avail_out))])
            } while status == Z_OK
        }
        guard status == Z_STREAM_END else {
            throw StoreError(.unavailable, "\(name): the stored report is damaged (zlib \(status))")
        }
        return result
    }
}
