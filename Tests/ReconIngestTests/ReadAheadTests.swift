import ReconIngest
import ReconTestSupport
import Testing

/// Fails with `error` once `bytes` are served.
final class FailingByteSource: ByteSource {
    let name = "failing"
    private let inner: ChunkedByteSource
    private let error: IngestError

    init(_ bytes: [UInt8], _ chunking: Chunking, error: IngestError) {
        inner = ChunkedByteSource(bytes, chunking)
        self.error = error
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        let n = try inner.read(into: buffer)
        if n == 0 { throw error }
        return n
    }
}

@Suite struct ReadAheadTests {
    static let data: [UInt8] = (0..<40_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }

    /// Reads `source` with the reader's own chunk sizes, which differ from the blocks'.
    static func drain(_ source: any ByteSource, _ chunking: Chunking) throws -> [UInt8] {
        var out: [UInt8] = []
        let sizes = chunking.sizes(for: data.count * 2)
        var k = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
        defer { buffer.deallocate() }
        while true {
            let want = max(1, min(buffer.count, sizes[k % sizes.count]))
            k += 1
            let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
            if n == 0 { return out }
            out += buffer[0..<n]
        }
    }

    @Test(arguments: Chunking.allCases)
    func bytesComeThroughUnchanged(chunking: Chunking) throws {
        let source = ReadAheadByteSource(base: ChunkedByteSource(Self.data, chunking), blocks: 3, blockBytes: 4096)
        #expect(try Self.drain(source, chunking) == Self.data)
        var tail = [UInt8](repeating: 0, count: 8)
        #expect(try tail.withUnsafeMutableBytes { try source.read(into: $0) } == 0)  // stays at the end
    }

    @Test func anErrorArrivesAfterTheBytesBeforeIt() throws {
        let failure = IngestError(.truncatedGzip, "cut", file: "x.gz", byte: 123)
        let source = ReadAheadByteSource(
            base: FailingByteSource(Self.data, .whole, error: failure), blocks: 2, blockBytes: 1000)
        var got: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 777, alignment: 1)
        defer { buffer.deallocate() }
        do {
            while true {
                let n = try source.read(into: buffer)
                if n == 0 { break }
                got += buffer[0..<n]
            }
            Issue.record("the error was lost")
        } catch {
            #expect(error.code == .truncatedGzip && error.byte == 123)
        }
        #expect(got == Self.data)
    }

    @Test func aReaderThatStopsEarlyReleasesTheThread() throws {
        for _ in 0..<20 {  // each source's producer is blocked on a full ring when it goes away
            let source = ReadAheadByteSource(base: ChunkedByteSource(Self.data, .whole), blocks: 2, blockBytes: 512)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 100, alignment: 1)
            #expect(try source.read(into: buffer) == 100)
            buffer.deallocate()
        }
    }
}
