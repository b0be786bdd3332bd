/// An append-only array kept in fixed chunks of 65,536 elements.
///
/// A million payments in one contiguous array means guessing its size up front or copying
/// it as it doubles (measured: a fifth of a run, mostly page faults on the new copies). In
/// chunks, appending never moves an element, a full chunk can be handed to another thread
/// while reading goes on, and element `i` is still one shift and mask away.
@frozen
public struct ChunkedArray<Element>: RandomAccessCollection {
    // @inlinable throughout: this is read in the hottest loops of other modules, where an
    // unspecialized generic call per element access doubled the matching time.
    @inlinable public static var chunkShift: Int { 16 }
    @inlinable public static var chunkSize: Int { 1 << chunkShift }

    @usableFromInline var storage: [[Element]] = []
    @usableFromInline var elementCount = 0

    /// The chunks, each full but the last.
    @inlinable public var chunks: [[Element]] { storage }
    @inlinable public var count: Int { elementCount }

    @inlinable public init() {}

    @inlinable public init(_ elements: some Sequence<Element>) {
        for element in elements { append(element) }
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }

    @inlinable public subscript(position: Int) -> Element {
        _read { yield storage[position >> Self.chunkShift][position & (Self.chunkSize - 1)] }
    }

    @inlinable public mutating func append(_ element: Element) {
        if elementCount & (Self.chunkSize - 1) == 0 {
            var chunk: [Element] = []
            chunk.reserveCapacity(Self.chunkSize)
            storage.append(chunk)
        }
        storage[storage.count - 1].append(element)
        elementCount += 1
    }

    /// Appends a whole chunk; every chunk but the last must be full.
    @inlinable public mutating func append(chunk: [Element]) {
        precondition(elementCount & (Self.chunkSize - 1) == 0, "appending a chunk after a partial one")
        precondition(chunk.count <= Self.chunkSize, "a chunk larger than the chunk size")
        guard !chunk.isEmpty else { return }
        storage.append(chunk)
        elementCount += chunk.count
    }

    /// Changes element `position` in place.
    @inlinable public mutating func modify(_ position: Int, _ body: (inout Element) -> Void) {
        body(&storage[position >> Self.chunkShift][position & (Self.chunkSize - 1)])
    }
}

extension ChunkedArray: Sendable where Element: Sendable {}
