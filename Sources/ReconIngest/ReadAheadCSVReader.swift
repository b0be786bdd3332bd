import Dispatch

/// Tokenizes CSV on its own thread, a few batches of rows ahead of the caller.
///
/// With gzip inflating on the read-ahead thread and adapters building records on the
/// caller's, tokenizing was the third stage sharing one core; in its own thread the three
/// overlap. Rows are copied into batches (their bytes and field ends), handed over through a
/// small ring like `ReadAheadByteSource`'s; a row is valid until the caller's next call.
public final class ReadAheadCSVReader {
    public let name: String
    private let ring: Ring
    private var current = -1
    private var row = 0
    private var ended = false

    /// Takes over `reader` (the caller must not use it again); rows come in its order.
    public init(_ reader: CSVReader, batches: Int = 4, rowsPerBatch: Int = 2048) {
        name = reader.name
        ring = Ring(reader: reader, batches: batches, rowsPerBatch: rowsPerBatch)
        let ring = self.ring
        DispatchQueue(label: "recon.csv-read-ahead").async { ring.produce() }
    }

    deinit { ring.cancel() }

    /// The next row, or nil at the end; errors arrive after the rows before them.
    public func next() throws(IngestError) -> CSVRow? {
        while !ended {
            if current < 0 {
                ring.filled.wait()
                current = ring.consumerNext
                ring.consumerNext = (ring.consumerNext + 1) % ring.batches.count
                row = 0
            }
            let batch = ring.batches[current]
            if row < batch.rows.count {
                let r = batch.rows[row]
                row += 1
                return CSVRow(
                    bytes: UnsafeRawPointer(batch.bytes + r.byteStart), ends: UnsafePointer(batch.ends + r.endStart),
                    count: r.count, position: r.position, unterminatedQuote: r.unterminatedQuote)
            }
            if batch.last {
                ended = true
                if let error = batch.error { throw error }
                return nil
            }
            current = -1
            ring.free.signal()
        }
        return nil
    }

    final class Batch {
        struct Row {
            var byteStart: Int
            var endStart: Int
            var count: Int
            var position: RecordPosition
            var unterminatedQuote: Bool
        }

        var bytes: UnsafeMutableRawPointer
        var byteCapacity: Int
        var byteCount = 0
        var ends: UnsafeMutablePointer<Int>
        var endCapacity: Int
        var endCount = 0
        var rows: [Row] = []
        var last = false
        var error: IngestError?

        init() {
            byteCapacity = 1 << 20
            bytes = .allocate(byteCount: byteCapacity, alignment: 16)
            endCapacity = 1 << 15
            ends = .allocate(capacity: endCapacity)
        }

        deinit {
            bytes.deallocate()
            ends.deallocate()
        }

        func reset() {
            byteCount = 0
            endCount = 0
            rows.removeAll(keepingCapacity: true)
        }

        /// Copies `row` in, its field ends made relative to its own first byte.
        func append(_ row: CSVRow) {
            let length = row.count == 0 ? 0 : row.fieldEnd(row.count - 1)
            if byteCount + length > byteCapacity { grow(bytes: byteCount + length) }
            if endCount + row.count > endCapacity { grow(ends: endCount + row.count) }
            if length > 0 { (bytes + byteCount).copyMemory(from: row.bytes, byteCount: length) }
            for i in 0..<row.count { ends[endCount + i] = row.fieldEnd(i) }
            rows.append(
                Row(
                    byteStart: byteCount, endStart: endCount, count: row.count, position: row.position,
                    unterminatedQuote: row.unterminatedQuote))
            byteCount += length
            endCount += row.count
        }

        private func grow(bytes needed: Int) {
            while byteCapacity < needed { byteCapacity *= 2 }
            let bigger = UnsafeMutableRawPointer.allocate(byteCount: byteCapacity, alignment: 16)
            bigger.copyMemory(from: bytes, byteCount: byteCount)
            bytes.deallocate()
            bytes = bigger
        }

        private func grow(ends needed: Int) {
            while endCapacity < needed { endCapacity *= 2 }
            let bigger = UnsafeMutablePointer<Int>.allocate(capacity: endCapacity)
            bigger.update(from: ends, count: endCount)
            ends.deallocate()
            ends = bigger
        }
    }

    /// Batches and the producer's state; each batch is owned by one side at a time.
    final class Ring: @unchecked Sendable {
        let batches: [Batch]
        let filled = DispatchSemaphore(value: 0)
        let free = DispatchSemaphore(value: 0)
        var consumerNext = 0
        private let reader: CSVReader
        private let rowsPerBatch: Int
        private var isCancelled = false
        private let done = DispatchSemaphore(value: 0)

        init(reader: CSVReader, batches count: Int, rowsPerBatch: Int) {
            self.reader = reader
            self.rowsPerBatch = rowsPerBatch
            batches = (0..<max(2, count)).map { _ in Batch() }
            for _ in batches { free.signal() }  // counted up from 0 (see ReadAheadByteSource)
        }

        func produce() {
            defer { done.signal() }
            var next = 0
            while true {
                free.wait()
                if isCancelled { return }
                let batch = batches[next]
                batch.reset()
                do throws(IngestError) {
                    while batch.rows.count < rowsPerBatch && batch.byteCount < (1 << 20) {
                        guard let row = try reader.next() else {
                            batch.last = true
                            break
                        }
                        batch.append(row)
                    }
                } catch {
                    batch.error = error
                    batch.last = true
                }
                let last = batch.last
                filled.signal()
                if last { return }
                next = (next + 1) % batches.count
            }
        }

        func cancel() {
            isCancelled = true
            free.signal()
            done.wait()
        }
    }
}

extension CSVRow {
    /// Offset of the end of field `i` from the row's first byte.
    @inline(__always) func fieldEnd(_ i: Int) -> Int { ends[i] }
}
