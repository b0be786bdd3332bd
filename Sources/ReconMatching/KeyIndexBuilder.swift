import Dispatch
public import PaymentModels

/// Builds the key index on its own thread while payments are still being read.
///
/// The reader hands over each full chunk of 65,536 payments; the builder appends it to the
/// payment table and indexes its keys on a serial queue, so by the time the last payment is
/// read the index is nearly done. Indexing 1M payments took a third of a second after
/// reading; overlapped, it mostly disappears from the run's critical path.
public final class KeyIndexBuilder: @unchecked Sendable {
    /// The payments and their index, ready for `MatchingEngine(built:)`.
    public struct Built: Sendable {
        public let payments: ChunkedArray<Payment>
        let index: KeyIndex
        let tally: MatchingEngine.PaymentTally
    }

    // touched only on `queue`
    private var payments = ChunkedArray<Payment>()
    private var index: KeyIndex
    private let queue = DispatchQueue(label: "recon.key-index")
    /// The chunk being filled on the reading thread, handed over whole when full.
    private var pending = UnsafeMutablePointer<Payment>.allocate(capacity: ChunkedArray<Payment>.chunkSize)
    private var pendingCount = 0
    /// The pending chunk's key entries (`KeyIndex.appendEntries`), made as payments arrive.
    private var pendingEntries: [UInt64] = []
    /// Payments appended so far: the next one's number.
    private var appended = 0
    /// Expected money and unknown statuses, counted while each payment is at hand.
    private var tally = MatchingEngine.PaymentTally()

    /// Keys a payment carries on average, for sizing the table from a payment count.
    static let keysPerPayment = 2

    public init() {
        index = KeyIndex(expectedKeys: ChunkedArray<Payment>.chunkSize * Self.keysPerPayment)
    }

    deinit {
        pending.deinitialize(count: pendingCount)
        pending.deallocate()
    }

    /// Sizes the index for `payments` more payments (a guess from file sizes), so it is built
    /// once rather than doubled as it fills.
    public func expect(payments more: Int) {
        queue.async { [self] in
            index.reserve(keys: index.keyCount + more * Self.keysPerPayment, payments)
        }
    }

    /// Adds one payment (on the reading thread); full chunks go to the indexing thread.
    public func append(_ payment: consuming Payment) {
        KeyIndex.appendEntries(of: payment, number: appended, to: &pendingEntries)
        tally.add(payment)
        appended += 1
        (pending + pendingCount).initialize(to: payment)
        pendingCount += 1
        if pendingCount == ChunkedArray<Payment>.chunkSize { handOver() }
    }

    /// Adds `count` payments moved out of `source` (which is left uninitialized), in order:
    /// no payment is copied, so none of their strings is retained and released again.
    public func append(moving source: UnsafeMutablePointer<Payment>, count: Int) {
        for i in 0..<count { append((source + i).move()) }
    }

    private func handOver() {
        let chunk = ChunkHandle(pointer: pending, count: pendingCount)
        let entries = pendingEntries
        pending = .allocate(capacity: ChunkedArray<Payment>.chunkSize)
        pendingCount = 0
        pendingEntries = []
        pendingEntries.reserveCapacity(entries.count)
        queue.async { [self] in
            payments.append(adopting: chunk.pointer, count: chunk.count)
            index.insert(entries: entries, payments: payments)
        }
    }

    /// Waits for the indexing thread and returns the table and its index.
    public func finish() -> Built {
        if pendingCount > 0 { handOver() }
        let tally = self.tally
        return queue.sync { Built(payments: payments, index: index, tally: tally) }
    }
}

/// A filled chunk on its way to the indexing thread; the reading thread no longer touches it.
private struct ChunkHandle: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Payment>
    let count: Int
}
