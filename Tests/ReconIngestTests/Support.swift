import ReconIngest
import ReconTestSupport

/// Serves bytes in the chunk sizes a `Chunking` gives.
final class ChunkedByteSource: ByteSource {
    let name = "test"
    private let bytes: [UInt8]
    private var sizes: [Int]
    private var offset = 0

    init(_ bytes: [UInt8], _ chunking: Chunking) {
        self.bytes = bytes
        sizes = chunking.sizes(for: bytes.count).reversed()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        guard let size = sizes.popLast() else { return 0 }
        let n = min(size, buffer.count)
        if n < size { sizes.append(size - n) }
        for k in 0..<n { buffer[k] = bytes[offset + k] }
        offset += n
        return n
    }
}

/// A gzip member with stored (uncompressed) deflate blocks, built by hand so tests need no
/// compressor; zlib must still inflate it like any other member.
enum GzipFixture {
    static func member(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]
        var offset = 0
        repeat {
            let length = min(65535, data.count - offset)
            let final: UInt8 = offset + length == data.count ? 1 : 0
            out.append(final)
            out += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            out += data[offset..<(offset + length)]
            offset += length
        } while offset < data.count
        out += le32(crc32(data)) + le32(UInt32(truncatingIfNeeded: data.count))
        return out
    }

    static func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
