/// A batch of values handed from one thread to another through a `HandoffRing` slot: the
/// producer moves each value in, the consumer moves each out, so a value holding strings and
/// arrays crosses without a copy (no retain on one side and release on the other per field).
/// Fixed capacity, allocated once; one side at a time owns it (the ring's slot discipline).
/// In the module that uses it, so that it is specialized for its element (a generic call per
/// value, through another module, cost more than the copies it saves).
final class MoveBuffer<Element> {
    private let base: UnsafeMutablePointer<Element>
    let capacity: Int
    /// The values not yet taken are `taken..<count`.
    private var taken = 0
    private(set) var count = 0

    init(capacity: Int) {
        precondition(capacity > 0, "a buffer holds at least one value")
        self.capacity = capacity
        base = UnsafeMutablePointer.allocate(capacity: capacity)
    }

    deinit {
        removeAll()
        base.deallocate()
    }

    var isFull: Bool { count == capacity }

    /// Moves `value` in after the others; the buffer must not be full.
    func append(_ value: consuming Element) {
        precondition(count < capacity, "append to a full MoveBuffer")
        (base + count).initialize(to: value)
        count += 1
    }

    /// Moves the first value not yet taken out, nil when all were.
    func take() -> Element? {
        guard taken < count else { return nil }
        defer { taken += 1 }
        return (base + taken).move()
    }

    /// Drops the values not taken and makes the buffer empty.
    func removeAll() {
        if taken < count { (base + taken).deinitialize(count: count - taken) }
        (taken, count) = (0, 0)
    }
}
