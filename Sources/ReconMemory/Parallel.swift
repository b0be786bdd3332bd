public import Dispatch

/// Data-parallel helpers for the read-only phases of matching.
public enum Parallel {
    /// Work below this many items runs on the calling thread: spinning up workers costs more.
    public static let itemsMin = 50_000
    /// Chunks per run; more than the cores so that uneven chunks even out.
    @usableFromInline static let chunks = 16

    /// A map computed in chunks on all cores and written in place into one array (no per-chunk
    /// arrays to join): `fill` writes each index of its range exactly once through `write`,
    /// and returns something for its chunk (a partial sum, say); those come back in order.
    @inlinable public static func map<T: Sendable, S: Sendable>(
        count: Int, _ fill: @Sendable (Range<Int>, _ write: (Int, T) -> Void) -> S
    ) -> ([T], [S]) {
        var summaries: [S] = []
        let mapped = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let output = SendableBuffer(buffer: buffer)
            summaries = chunkResults(count: count) { range in
                fill(range) { i, value in (output.buffer.baseAddress! + i).initialize(to: value) }
            }
            initialized = count
        }
        return (mapped, summaries)
    }

    /// Runs `body` over `chunks` contiguous ranges of `0..<count` concurrently; results in order.
    @inlinable public static func chunkResults<T: Sendable>(count: Int, _ body: @Sendable (Range<Int>) -> T) -> [T] {
        let chunkCount = count >= itemsMin ? chunks : 1
        let results = ResultSlots<T>(count: chunkCount)
        let size = (count + chunkCount - 1) / max(chunkCount, 1)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { c in
            let start = min(count, c * size)
            results.set(c, body(start..<min(count, start + size)))
        }
        return results.values
    }
}

/// An output buffer whose disjoint ranges are written by different workers.
@usableFromInline struct SendableBuffer<T>: @unchecked Sendable {
    @usableFromInline let buffer: UnsafeMutableBufferPointer<T>
    @inlinable init(buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
}

/// One slot per chunk, each written by exactly one worker before `concurrentPerform` returns.
@usableFromInline final class ResultSlots<T>: @unchecked Sendable {
    @usableFromInline let slots: UnsafeMutableBufferPointer<T?>

    @inlinable init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()  // returns the memory to its uninitialized state
        slots.deallocate()
    }

    /// Distinct workers write distinct slots; no two touch the same memory.
    @inlinable func set(_ index: Int, _ value: T) { slots[index] = value }

    @inlinable var values: [T] { slots.map { $0! } }
}
