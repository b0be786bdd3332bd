import Dispatch

/// Reads a slow source (a decompressor) on its own thread, a few blocks ahead of the reader.
///
/// Inflating is a third of the cost of reading a gzip CSV; on its own thread it overlaps
/// with parsing instead of adding to it. Blocks are handed over through a small ring (two
/// semaphores, no locks on the data path); an error is delivered after the bytes before it,
/// exactly where the wrapped source raised it.
public final class ReadAheadByteSource: ByteSource {
    public let name: String
    private let ring: Ring
    /// The block being consumed and how far into it.
    private var current = -1
    private var offset = 0
    private var ended = false

    /// `blocks` buffers of `blockBytes` each are filled ahead.
    public init(base: any ByteSource, blocks: Int = 4, blockBytes: Int = IngestLimits.readChunkBytes) {
        name = base.name
        ring = Ring(base: base, blocks: blocks, blockBytes: blockBytes)
        let ring = self.ring
        DispatchQueue(label: "recon.read-ahead").async { ring.produce() }
    }

    deinit { ring.cancel() }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        guard !ended, buffer.count > 0 else { return 0 }
        if current < 0 {
            ring.filled.wait()
            current = ring.consumerNext
            ring.consumerNext = (ring.consumerNext + 1) % ring.blocks.count
            offset = 0
        }
        let length = ring.blocks[current].length
        if length == 0 {
            ended = true
            if let error = ring.blocks[current].error { throw error }
            return 0
        }
        let n = min(buffer.count, length - offset)
        buffer.baseAddress!.copyMemory(from: ring.blocks[current].bytes.baseAddress! + offset, byteCount: n)
        offset += n
        if offset == length {
            current = -1
            ring.free.signal()
        }
        return n
    }

    /// The blocks and the producer's state, shared by the two threads; each block is owned by
    /// one side at a time, handed over by the semaphores.
    final class Ring: @unchecked Sendable {
        struct Block {
            var bytes: UnsafeMutableRawBufferPointer
            /// 0 at the end of the stream or with `error`.
            var length = 0
            var error: IngestError?
        }

        /// Manually allocated: a Swift array's copy-on-write check could copy it under the
        /// two threads' feet.
        let blocks: UnsafeMutableBufferPointer<Block>
        let filled = DispatchSemaphore(value: 0)
        let free: DispatchSemaphore
        var consumerNext = 0
        private let base: any ByteSource
        private var isCancelled = false
        private let done = DispatchSemaphore(value: 0)

        init(base: any ByteSource, blocks count: Int, blockBytes: Int) {
            self.base = base
            blocks = .allocate(capacity: max(2, count))
            for k in blocks.indices {
                blocks.initializeElement(at: k, to: Block(bytes: .allocate(byteCount: blockBytes, alignment: 16)))
            }
            // counted up from 0: libdispatch traps when a semaphore is freed below its
            // initial value, which a reader that stops early would leave it at
            free = DispatchSemaphore(value: 0)
            for _ in blocks.indices { free.signal() }
        }

        /// Runs on the read-ahead thread until the end of the stream, an error, or `cancel`.
        func produce() {
            defer { done.signal() }
            var next = 0
            while true {
                free.wait()
                if isCancelled { return }
                do {
                    blocks[next].length = try base.read(into: blocks[next].bytes)
                } catch {
                    blocks[next].length = 0
                    blocks[next].error = error
                }
                let length = blocks[next].length
                filled.signal()
                if length == 0 { return }
                next = (next + 1) % blocks.count
            }
        }

        /// Stops the producer (the reader went away early) and waits for it before freeing.
        func cancel() {
            isCancelled = true
            free.signal()
            done.wait()
            for block in blocks { block.bytes.deallocate() }
            blocks.deinitialize()
            blocks.deallocate()
        }
    }
}
