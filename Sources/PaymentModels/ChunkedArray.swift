/// An append-only array kept in fixed chunks of 65,536 elements.
///
/// A million payments in one contiguous array means guessing its size up front or copying
/// it as it doubles (measured: a fifth of a run, mostly page faults on the new copies). In
/// chunks, appending never moves an element, a full chunk can be handed to another thread
/// while reading goes on, and element `i` is one shift and mask away.
///
/// Elements are read through an addressor, in place: hot loops such as `table[i].amount`
/// neither copy the element nor touch its reference counts.
public struct ChunkedArray<Element>: RandomAccessCollection {
    @inlinable public static var chunkShift: Int { 16 }
    @inlinable public static var chunkSize: Int { 1 << chunkShift }

    @usableFromInline var storage: ChunkStorage<Element>

    @inlinable public init() { storage = ChunkStorage() }

    @inlinable public init(_ elements: some Sequence<Element>) {
        self.init()
        for element in elements { append(element) }
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { storage.count }

    @inlinable public subscript(position: Int) -> Element {
        unsafeAddress {
            precondition(position >= 0 && position < storage.count, "index out of range")
            return UnsafePointer(
                storage.chunks[position >> Self.chunkShift] + (position & (Self.chunkSize - 1)))
        }
    }

    /// Where element `position` lives; valid while the array does (for prefetching).
    @inlinable public func address(of position: Int) -> UnsafeRawPointer {
        precondition(position >= 0 && position < storage.count, "index out of range")
        return UnsafeRawPointer(storage.chunks[position >> Self.chunkShift] + (position & (Self.chunkSize - 1)))
    }

    @inlinable public mutating func append(_ element: Element) {
        makeUnique()
        storage.append(element)
    }

    /// Takes over a chunk of memory holding `count` initialized elements, allocated with
    /// capacity `chunkSize`; every chunk but the last must be full. No element is copied.
    @inlinable public mutating func append(adopting chunk: UnsafeMutablePointer<Element>, count: Int) {
        precondition(storage.count & (Self.chunkSize - 1) == 0, "appending a chunk after a partial one")
        precondition(count > 0 && count <= Self.chunkSize, "a chunk of \(count) elements")
        makeUnique()
        storage.chunks.append(chunk)
        storage.count += count
    }

    @inlinable mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }
}

/// The chunks behind a `ChunkedArray`: manually allocated, never moved once written.
///
/// Shared between copies of the array and only mutated through a uniquely referenced array
/// (`makeUnique`), which is what makes the `@unchecked Sendable` sound.
@usableFromInline
final class ChunkStorage<Element>: @unchecked Sendable {
    @usableFromInline var chunks: [UnsafeMutablePointer<Element>] = []
    @usableFromInline var count = 0

    @usableFromInline init() {}

    @inlinable func append(_ element: Element) {
        let offset = count & (ChunkedArray<Element>.chunkSize - 1)
        if offset == 0 { chunks.append(.allocate(capacity: ChunkedArray<Element>.chunkSize)) }
        (chunks[chunks.count - 1] + offset).initialize(to: element)
        count += 1
    }

    @usableFromInline func copy() -> ChunkStorage<Element> {
        let other = ChunkStorage<Element>()
        for i in 0..<count {
            other.append(chunks[i >> ChunkedArray<Element>.chunkShift][i & (ChunkedArray<Element>.chunkSize - 1)])
        }
        return other
    }

    deinit {
        var left = count
        for chunk in chunks {
            chunk.deinitialize(count: min(left, ChunkedArray<Element>.chunkSize))
            left -= ChunkedArray<Element>.chunkSize
            chunk.deallocate()
        }
    }
}

extension ChunkedArray: Sendable where Element: Sendable {}
