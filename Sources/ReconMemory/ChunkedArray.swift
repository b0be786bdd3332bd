/// An append-only array of plain values kept in fixed chunks of 65,536 elements.
///
/// A million records in one contiguous array means guessing its size up front or copying it
/// as it doubles (measured: a fifth of a run, mostly page faults on the new copies). In
/// chunks, appending never moves an element and element `i` is one shift and mask away.
///
/// Elements are read in place: hot loops such as `rows[i].amount` neither copy a buffer nor
/// touch a reference count (an array of arrays did, per read). The storage is not generic, so
/// reading from another module needs no generic metadata lookup (a generic storage class
/// made every read look its field offsets up).
public struct ChunkedArray<Element: BitwiseCopyable>: RandomAccessCollection {
    @inlinable public static var chunkShift: Int { 16 }
    @inlinable public static var chunkSize: Int { 1 << chunkShift }

    @usableFromInline var storage = RawChunks()

    @inlinable public init() {}

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { storage.count }

    @inlinable public subscript(position: Int) -> Element {
        unsafeAddress {
            precondition(position >= 0 && position < storage.count, "index out of range")
            return UnsafePointer(address(unchecked: position))
        }
    }

    /// Where element `position` lives; valid while the array does (for prefetching).
    @inlinable public func address(of position: Int) -> UnsafeRawPointer {
        precondition(position >= 0 && position < storage.count, "index out of range")
        return UnsafeRawPointer(address(unchecked: position))
    }

    @inlinable func address(unchecked position: Int) -> UnsafeMutablePointer<Element> {
        storage.chunks[position >> Self.chunkShift].assumingMemoryBound(to: Element.self)
            + (position & (Self.chunkSize - 1))
    }

    @inlinable public mutating func append(_ element: Element) {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy(stride: MemoryLayout<Element>.stride) }
        if storage.count & (Self.chunkSize - 1) == 0 {
            storage.chunks.append(
                UnsafeMutableRawPointer(UnsafeMutablePointer<Element>.allocate(capacity: Self.chunkSize)))
        }
        address(unchecked: storage.count).initialize(to: element)
        storage.count += 1
    }
}

/// The chunks behind a `ChunkedArray`: allocated once, never moved, freed with the last copy
/// (plain values need no deinitializing). Shared between copies of the array and only mutated
/// through a uniquely referenced one, which is what makes the `@unchecked Sendable` sound.
@usableFromInline final class RawChunks: @unchecked Sendable {
    @usableFromInline var chunks: [UnsafeMutableRawPointer] = []
    @usableFromInline var count = 0

    @usableFromInline init() {}

    @usableFromInline func copy(stride: Int) -> RawChunks {
        let other = RawChunks()
        var left = count
        for chunk in chunks {
            let bytes = (1 << 16) * stride
            let copy = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 16)
            copy.copyMemory(from: chunk, byteCount: min(left, 1 << 16) * stride)
            other.chunks.append(copy)
            left -= 1 << 16
        }
        other.count = count
        return other
    }

    deinit { for chunk in chunks { chunk.deallocate() } }
}

extension ChunkedArray: Sendable where Element: Sendable {}
