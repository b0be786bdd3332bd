import Foundation
import PaymentModels
import ReconStore

/// A run of one file's records on their way from the reading thread to the store's, each kind
/// in the file's order, the records already laid out as the store's rows.
struct ImportBatch: Sendable {
    var payments = ImportRows(.payments)
    var records = ImportRows(.settlement)
    var rejects: [Reject] = []

    var count: Int { payments.count + records.count + rejects.count }

    mutating func removeAll() {
        payments.removeAll()
        records.removeAll()
        rejects.removeAll(keepingCapacity: true)
    }
}

/// Collects what a reader emits into batches and hands each full one to the pipe. Lives on the
/// reading thread.
final class ImportEmitter {
    private let pipe: RecordPipe
    private var batch = ImportBatch()

    fileprivate init(pipe: RecordPipe) { self.pipe = pipe }

    func payment(_ payment: consuming Payment) throws {
        batch.payments.append(payment)
        try handOverIfFull()
    }

    func record(_ record: consuming SettlementRecord) throws {
        batch.records.append(record)
        try handOverIfFull()
    }

    func reject(_ reject: Reject) throws {
        batch.rejects.append(reject)
        try handOverIfFull()
    }

    private func handOverIfFull() throws {
        if batch.count >= RecordPipe.batchSize { try handOver() }
    }

    fileprivate func handOver() throws {
        guard batch.count > 0 else { return }
        guard pipe.push(batch) else { throw CancellationError() }
        batch = pipe.spare() ?? ImportBatch()
    }
}

/// A bounded, ordered hand-over of batches from one reading thread to one consuming thread.
///
/// An import parses on one thread and writes the store on another, so the two overlap: the
/// store's connection never leaves the thread that opened the transaction, and the file is
/// read by the other thread only. A consumer that fails cancels the pipe; the reader stops at
/// its next batch.
final class RecordPipe: @unchecked Sendable {
    static let batchSize = 4096
    /// Batches in flight at most: enough to ride out a slow stretch on either side, little memory.
    static let depth = 8

    // all guarded by `condition`
    private let condition = NSCondition()
    private var batches: [ImportBatch] = []
    /// Consumed batches, emptied, for the reader to fill again.
    private var spares: [ImportBatch] = []
    private var finished = false
    private var cancelled = false
    private var failure: (any Error)?

    /// Hands over a batch, waiting while the pipe is full; false when the consumer gave up.
    func push(_ batch: ImportBatch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= Self.depth && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        batches.append(batch)
        condition.broadcast()
        return true
    }

    /// An emptied batch whose memory the reader can reuse, if one was handed back.
    func spare() -> ImportBatch? {
        condition.lock()
        defer { condition.unlock() }
        return spares.popLast()
    }

    /// Hands a consumed batch back for reuse.
    func recycle(_ batch: consuming ImportBatch) {
        batch.removeAll()
        condition.lock()
        spares.append(batch)
        condition.unlock()
    }

    /// The reader is done, with the error that stopped it, if any.
    func finish(_ error: (any Error)?) {
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, or nil once the reader finished and every batch was taken.
    func pop() -> ImportBatch? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !finished { condition.wait() }
        guard !batches.isEmpty else { return nil }
        let batch = batches.removeFirst()
        condition.broadcast()
        return batch
    }

    /// The consumer gives up: the reader's next push returns false.
    func cancel() {
        condition.lock()
        cancelled = true
        batches.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    /// The reader's error, once `pop` returned nil.
    var readError: (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        return failure
    }

    /// Runs `read` on a new thread, batching what it emits, and calls `consume` with each batch
    /// here, in order. Rethrows the reader's error after the batches before it were consumed,
    /// or the consumer's error once the reader has stopped.
    static func run(
        read: @escaping @Sendable (ImportEmitter) throws -> Void, consume: (borrowing ImportBatch) throws -> Void
    ) throws {
        let pipe = RecordPipe()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            defer { done.signal() }
            let emitter = ImportEmitter(pipe: pipe)
            do {
                try read(emitter)
                try emitter.handOver()
                pipe.finish(nil)
            } catch {
                pipe.finish(error)
            }
        }
        do {
            while let batch = pipe.pop() {
                try consume(batch)
                pipe.recycle(batch)
            }
        } catch {
            pipe.cancel()
            done.wait()
            throw error
        }
        done.wait()
        if let error = pipe.readError { throw error }
    }
}
