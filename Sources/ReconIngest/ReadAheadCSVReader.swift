import ReconMemory
/// Tokenizes CSV on its own thread, a few batches of rows ahead of the caller.
///
/// With gzip inflating on the read-ahead thread and adapters building records on the
/// caller's, tokenizing was the third stage sharing one core; in its own thread the three
/// overlap. Rows are copied into batches (their bytes and field ends), handed over through a
/// `HandoffRing`; a row is valid until the caller's next call.
public final class ReadAheadCSVReader {
    public let name: String
    private let ring: HandoffRing<Batch>
    /// The next row of the batch held.
    private var row = 0
    private var ended = false

    /// Takes over `reader` (the caller must not use it again); rows come in its order.
    public init(_ reader: CSVReader, batches: Int = 4, rowsPerBatch: Int = 2048) {
        name = reader.name
        ring = HandoffRing(slots: (0..<max(2, batches)).map { _ in Batch() })
        let producer = Producer(reader: reader, rowsPerBatch: rowsPerBatch)
        ring.start("recon.csv-read-ahead") { producer.fill($0) }
    }

    deinit { ring.cancel() }

    /// The next row, or nil at the end; errors arrive after the rows before them.
    public func next() throws(IngestError) -> CSVRow? {
        while !ended {
            let (batch, fresh) = ring.held()
            if fresh { row = 0 }
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
            ring.giveBack()
        }
        return nil
    }

    /// The tokenizer, run on the ring's thread only.
    private final class Producer: @unchecked Sendable {
        let reader: CSVReader
        let rowsPerBatch: Int

        init(reader: CSVReader, rowsPerBatch: Int) {
            self.reader = reader
            self.rowsPerBatch = rowsPerBatch
        }

        func fill(_ batch: Batch) -> Bool {
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
            return !batch.last
        }
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
}

extension CSVRow {
    /// Offset of the end of field `i` from the row's first byte.
    @inline(__always) func fieldEnd(_ i: Int) -> Int { ends[i] }
}
