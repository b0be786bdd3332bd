/// A batch of values handed from one thread to another through a `HandoffRing` slot: the
/// producer moves each value in, the consumer moves each out, so a value holding strings and
/// arrays crosses without a copy (no retain on one side and release on the other per field).
/// Fixed capacity, allocated once; one side at a time owns it (the ring's slot discipline).
/// Inlinable: specialized for the element where it is used, no generic copy per value.
package final class MoveBuffer<Element> {
    @usableFromInline let base: UnsafeMutablePointer<Element>
    package let capacity: Int
    /// The values not yet taken are `taken..<count`.
    @usableFromInline var taken = 0
    @usableFromInline package internal(set) var count = 0

    package init(capacity: Int) {
        precondition(capacity > 0, "a buffer holds at least one value")
        self.capacity = capacity
        base = UnsafeMutablePointer.allocate(capacity: capacity)
    }

    deinit {
        removeAll()
        base.deallocate()
    }

    @inlinable package var isFull: Bool { count == capacity }

    /// Moves `value` in after the others; the buffer must not be full.
    @inlinable package func append(_ value: consuming Element) {
        precondition(count < capacity, "append to a full MoveBuffer")
        (base + count).initialize(to: value)
        count += 1
    }

    /// Moves the first value not yet taken out, nil when all were.
    @inlinable package func take() -> Element? {
        guard taken < count else { return nil }
        defer { taken += 1 }
        return (base + taken).move()
    }

    /// Drops the values not taken and makes the buffer empty.
    package func removeAll() {
        if taken < count { (base + taken).deinitialize(count: count - taken) }
        (taken, count) = (0, 0)
    }
}
