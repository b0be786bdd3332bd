import ReconMemory
/// Reads a slow source (a decompressor) on its own thread, a few blocks ahead of the reader.
///
/// Inflating is a third of the cost of reading a gzip CSV; on its own thread it overlaps
/// with parsing instead of adding to it. Blocks are handed over through a `HandoffRing`; an
/// error is delivered after the bytes before it, exactly where the wrapped source raised it.
public final class ReadAheadByteSource: ByteSource {
    public let name: String
    private let ring: HandoffRing<Block>
    /// How far into the block held the reading is.
    private var offset = 0
    private var ended = false

    /// `blocks` buffers of `blockBytes` each are filled ahead.
    public init(base: any ByteSource, blocks: Int = 4, blockBytes: Int = IngestLimits.readChunkBytes) {
        name = base.name
        ring = HandoffRing(slots: (0..<max(2, blocks)).map { _ in Block(byteCount: blockBytes) })
        let producer = Producer(base: base)
        ring.start("recon.read-ahead") { producer.fill($0) }
    }

    deinit { ring.cancel() }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        guard !ended, buffer.count > 0 else { return 0 }
        let (block, fresh) = ring.held()
        if fresh { offset = 0 }
        if block.length == 0 {
            ended = true
            if let error = block.error { throw error }
            return 0
        }
        let n = min(buffer.count, block.length - offset)
        buffer.baseAddress!.copyMemory(from: block.bytes.baseAddress! + offset, byteCount: n)
        offset += n
        if offset == block.length { ring.giveBack() }
        return n
    }

    /// One buffer of the ring and what the producer put in it.
    final class Block {
        let bytes: UnsafeMutableRawBufferPointer
        /// 0 at the end of the stream or with `error`.
        var length = 0
        var error: IngestError?

        init(byteCount: Int) { bytes = .allocate(byteCount: byteCount, alignment: 16) }
        deinit { bytes.deallocate() }
    }

    /// The wrapped source, read on the ring's thread only.
    private final class Producer: @unchecked Sendable {
        let base: any ByteSource

        init(base: any ByteSource) { self.base = base }

        func fill(_ block: Block) -> Bool {
            do {
                block.length = try base.read(into: block.bytes)
            } catch {
                block.length = 0
                block.error = error
            }
            return block.length > 0
        }
    }
}
