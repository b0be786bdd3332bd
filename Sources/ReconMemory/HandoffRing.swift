import Dispatch

/// Work done on a thread of its own a few slots ahead of the caller: the read-ahead of a slow
/// source, CSV tokenizing, XML parsing. A fixed ring of slots (buffers the two sides reuse)
/// goes round between the two threads; each slot is owned by one side at a time, handed over
/// by two semaphores, so the data itself needs no lock.
///
/// The producer fills free slots in order until it says the slot it filled is the last (the
/// end of the input, or an error the slot carries). The consumer takes filled slots in the same
/// order (the one it `held`) and gives each back when it is done with it. A consumer that stops early cancels the
/// ring: the producer stops at its next slot and is waited for, so nothing it uses is freed
/// under it.
public final class HandoffRing<Slot: AnyObject>: @unchecked Sendable {
    public let slots: [Slot]
    private let filled = DispatchSemaphore(value: 0)
    // counted up from 0: libdispatch traps when a semaphore is freed below its initial value,
    // which a consumer that stops early would leave it at
    private let free = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private var isCancelled = false
    private var next = 0
    private var holding: Slot?
    private var started = false

    public init(slots: [Slot]) {
        precondition(slots.count >= 2, "a ring needs two slots to overlap the two sides")
        self.slots = slots
        for _ in slots { free.signal() }
    }

    /// Starts the producer: `fill` is called on its thread with each free slot in turn and
    /// returns false for the last one.
    public func start(_ label: String, fill: @escaping @Sendable (Slot) -> Bool) {
        started = true
        let ring = self
        DispatchQueue(label: label).async {
            defer { ring.done.signal() }
            var next = 0
            while true {
                ring.free.wait()
                if ring.isCancelled { return }
                let more = fill(ring.slots[next])
                ring.filled.signal()
                if !more { return }
                next = (next + 1) % ring.slots.count
            }
        }
    }

    /// Starts a producer that runs to its own end (a parser that pushes what it reads):
    /// `produce` is called once on its thread with the first free slot and `handOver`, which
    /// hands the slot filled over and returns the next free one, waited for; nil when that slot
    /// was the `last`, or when the consumer cancelled (the producer then stops).
    public func start(
        _ label: String,
        produce: @escaping @Sendable (_ first: Slot, _ handOver: (_ last: Bool) -> Slot?) -> Void
    ) {
        started = true
        let ring = self
        DispatchQueue(label: label).async {
            defer { ring.done.signal() }
            ring.free.wait()
            if ring.isCancelled { return }
            var next = 0
            produce(ring.slots[0]) { last in
                ring.filled.signal()
                if last { return nil }
                next = (next + 1) % ring.slots.count
                ring.free.wait()
                return ring.isCancelled ? nil : ring.slots[next]
            }
        }
    }

    /// The slot the consumer holds: the one it took last and has not given back, or else the
    /// next filled one, waited for (`fresh`).
    public func held() -> (slot: Slot, fresh: Bool) {
        if let holding { return (holding, false) }
        filled.wait()
        let slot = slots[next]
        next = (next + 1) % slots.count
        holding = slot
        return (slot, true)
    }

    /// Gives the held slot back to the producer.
    public func giveBack() {
        holding = nil
        free.signal()
    }

    /// Stops the producer (the consumer went away early) and waits for it.
    public func cancel() {
        guard started else { return }
        isCancelled = true
        free.signal()
        done.wait()
    }
}
