import ReconMemory
import PaymentModels
import ReconIngest

/// A line-record bank statement (MT940, BAI2) read on a thread of its own, a few batches of
/// entries ahead of the caller, who finishes each entry (`Entry`: what the reading thread
/// gathered of it, made a settlement record by the caller's `finish`) and hands it on: the
/// reading of lines and fields and the making of records overlap on two cores,
/// and each format splits its work between them where they balance. Entries and rejects keep
/// the file's order; the reading's counts and control totals arrive with its end.
struct BankEntryReadAhead<Entry> {
    enum Item {
        case entry(Entry, account: String?, line: Int64)
        case reject(Reject)
    }

    /// What the parse hands on: `emit` each item in order.
    final class Emitter {
        fileprivate var batch: Batch
        /// The batch's items, reached without counting a reference per item: the ring owns every
        /// batch until the read ends, after the emitter.
        private unowned(unsafe) var items: MoveBuffer<Item>
        fileprivate let handOver: (Bool) -> Batch?
        static var batchSize: Int { 1024 }
        /// A batch is handed over once it keeps this many bytes, however few its items: memory
        /// stays bounded, and a batch's offsets fit in 32 bits (a record adds at most 2 MiB).
        static var keptBytesMax: Int { 1 << 26 }

        fileprivate init(batch: Batch, handOver: @escaping (Bool) -> Batch?) {
            self.batch = batch
            items = batch.items
            self.handOver = handOver
        }

        func emit(_ item: consuming Item) throws {
            items.append(item)
            if items.isFull || batch.bytes.count >= Self.keptBytesMax {
                guard let next = handOver(false) else { throw CancellationError() }
                next.items.removeAll()
                next.bytes.removeAll(keepingCapacity: true)
                batch = next
                items = next.items
            }
        }

        /// Keeps `bytes` with the batch the next item goes to, for that item to name: text that
        /// crosses to the caller without an allocation of its own (which the caller's thread
        /// would free, the slow way for a thread's allocator).
        func keep(_ bytes: some Collection<UInt8>) -> Range<Int> {
            let start = batch.bytes.count
            batch.bytes += bytes
            return start..<batch.bytes.count
        }
    }

    fileprivate final class Batch: @unchecked Sendable {
        /// Moved in by the reading thread and out by the caller's: an entry's strings cross
        /// without being counted twice.
        let items = MoveBuffer<Item>(capacity: Emitter.batchSize)
        /// Bytes the items name by range (`Emitter.keep`).
        var bytes: [UInt8] = []
        /// Set on the last batch: the reading's counts, and the error that ended it, if any.
        var stats: SourceStats?
        var error: (any Error)?
    }

    /// The parse, run on the reading thread with the source, its own counts and the emitter.
    typealias Parse =
        @Sendable (_ source: any ByteSource, _ stats: inout SourceStats, _ emitter: Emitter) throws -> Void

    /// The source, handed to the reading thread: the caller does not touch it again.
    private struct Handed: @unchecked Sendable { let source: any ByteSource }

    /// Runs `parse` over `source` on its own thread and, on the caller's, makes each entry a
    /// record of `file` (through `finish`) for `onRecord` and passes each reject to `onReject`;
    /// `stats` ends as the parse left its own (it starts as a copy of `stats`).
    @inline(__always)  // specialized for each format: generic copies of the items cost a fifth
    static func read(
        _ source: any ByteSource, file: SourceFile, stats: inout SourceStats,
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void,
        finish: (Entry, _ kept: UnsafeBufferPointer<UInt8>, _ account: String?, Provenance) -> SettlementRecord,
        parse: @escaping Parse
    ) throws {
        let ring = HandoffRing(slots: (0..<4).map { _ in Batch() })
        defer { ring.cancel() }
        let (start, handed) = (stats, Handed(source: source))
        ring.start("recon.bank-read-ahead") { first, handOver in
            withoutActuallyEscaping(handOver) { handOver in
                var stats = start
                let emitter = Emitter(batch: first, handOver: handOver)
                do {
                    try parse(handed.source, &stats, emitter)
                } catch is CancellationError {
                    return
                } catch {
                    emitter.batch.error = error
                }
                emitter.batch.stats = stats
                _ = handOver(true)
            }
        }
        while true {
            let (batch, _) = ring.held()
            try batch.bytes.withUnsafeBufferPointer { kept in
                while let item = batch.items.take() {
                    switch consume item {
                    case .entry(let entry, let account, let line):
                        let position = SourcePosition(byte: 0, line: line, record: 0)
                        try onRecord(finish(entry, kept, account, Provenance(source: file, position: position)))
                    case .reject(let reject): try onReject(reject)
                    }
                }
            }
            if let final = batch.stats {
                stats = final
                if let error = batch.error { throw error }
                return
            }
            ring.giveBack()
        }
    }
}
