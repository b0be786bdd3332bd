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
        public let payments: PaymentTable
        let index: KeyIndex
        let tally: MatchingEngine.PaymentTally
    }

    // touched only on `queue`
    private var payments = PaymentTable()
    private var index: KeyIndex
    private let queue = DispatchQueue(label: "recon.key-index")
    /// The chunk being filled on the reading thread, handed over whole when full.
    private var pending = PaymentChunk()
    /// The pending chunk's key entries (`KeyIndex.appendEntries`), made as payments arrive.
    private var pendingEntries: [UInt64] = []
    /// Payments appended so far: the next one's number.
    private var appended = 0
    /// Expected money and unknown statuses, counted while each payment is at hand.
    private var tally = MatchingEngine.PaymentTally()

    /// Keys a payment carries on average, for sizing the table from a payment count.
    static let keysPerPayment = 2

    public init() {
        index = KeyIndex(expectedKeys: PaymentTable.chunkSize * Self.keysPerPayment)
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
        pending.append(payment)
        addedLast()
    }

    /// Adds the payments of `chunk` (made on another thread), in order: their bytes are copied,
    /// no string is made or freed here (freeing another thread's memory is slow in glibc).
    public func append(contentsOf chunk: PaymentChunk) {
        for row in 0..<chunk.count {
            pending.append(row, of: chunk)
            addedLast()
        }
    }

    /// Makes the key-index entries of the payment just added to `pending` and counts its money,
    /// while its bytes are in cache: the indexing thread reading them back missed it.
    private func addedLast() {
        precondition(appended < KeyIndex.paymentsMax, "more payments than the index holds")
        let row = pending.count - 1
        pending.forEachKey(of: row) { k, field, bytes in
            let hash = KeyIndex.hashBytes(bytes)
            pendingEntries.append(hash)
            pendingEntries.append(KeyIndex.pack(tag: hash, payment: appended, key: k, field: field))
        }
        tally.add(system: pending.system(row), status: pending.status(row), amount: pending.amount(row)) {
            pending.payment(row).rawStatus
        }
        appended += 1
        if pending.count == PaymentTable.chunkSize { handOver() }
    }

    private func handOver() {
        let chunk = pending
        let entries = pendingEntries
        pending = PaymentChunk()
        pendingEntries = []
        pendingEntries.reserveCapacity(entries.count)
        queue.async { [self] in
            payments.append(chunk: chunk)
            index.insert(entries: entries, payments: payments)
        }
    }

    /// Waits for the indexing thread and returns the table and its index.
    public func finish() -> Built {
        if pending.count > 0 { handOver() }
        let tally = self.tally
        return queue.sync { Built(payments: payments, index: index, tally: tally) }
    }
}
