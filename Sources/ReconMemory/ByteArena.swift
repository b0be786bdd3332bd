/// Append-only bytes in large blocks, handed out as runs that never move.
///
/// Each `append` stores its bytes as one run inside one block (a run larger than a block gets
/// a block of its own) and returns a handle; `address(handle)` is where the run starts, valid
/// as long as the arena. A record table keeps each record's texts as one run, so reading a key
/// is one pointer away, with no reference count touched (an array per chunk was retained and
/// released on every read).
public struct ByteArena: @unchecked Sendable {
    @usableFromInline final class Storage {
        @usableFromInline var blocks: [UnsafeMutableRawPointer] = []
        var sizes: [Int] = []
        init() {}
        /// Bytes used of the last block.
        var used = 0

        deinit { for block in blocks { block.deallocate() } }
    }

    public static let blockBytes = 1 << 22
    static let offsetBits = 40

    @usableFromInline var storage = Storage()

    public init() {}

    /// Appends `bytes` as one run and returns its handle.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) -> Int {
        append(count: bytes.count) { run in
            if let base = bytes.baseAddress, !bytes.isEmpty { run.copyMemory(from: base, byteCount: bytes.count) }
        }
    }

    /// Appends a run of `count` bytes that `write` fills (all of them, and nothing past them)
    /// and returns its handle: a record written in place, without a buffer of its own first.
    public mutating func append(count: Int, _ write: (UnsafeMutableRawPointer) -> Void) -> Int {
        precondition(count >= 0, "a run of \(count) bytes")
        if !isKnownUniquelyReferenced(&storage) { storage = copy() }
        let storage = storage
        if storage.blocks.isEmpty || storage.sizes[storage.sizes.count - 1] - storage.used < count {
            let size = max(Self.blockBytes, count)
            storage.blocks.append(.allocate(byteCount: max(size, 1), alignment: 16))
            storage.sizes.append(size)
            storage.used = 0
        }
        let block = storage.blocks.count - 1
        let handle = block << Self.offsetBits | storage.used
        write(storage.blocks[block] + storage.used)
        storage.used += count
        return handle
    }

    /// Where the run `handle` starts.
    @inlinable public func address(_ handle: Int) -> UnsafeRawPointer {
        UnsafeRawPointer(storage.blocks[handle >> 40]) + (handle & (1 << 40 - 1))
    }

    private func copy() -> Storage {
        let other = Storage()
        for (block, size) in zip(storage.blocks, storage.sizes) {
            let copy = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: 16)
            copy.copyMemory(from: block, byteCount: size)
            other.blocks.append(copy)
            other.sizes.append(size)
        }
        other.used = storage.used
        return other
    }
}
