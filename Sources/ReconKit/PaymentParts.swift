import Dispatch
import PaymentModels
import ReconIngest
import ReconMatching
import ReconProviders
import ReconReports

/// The created-payments inputs as a list of parts that two threads can share: each file is
/// one part, except a large plain JSON Lines file, which is cut at line boundaries
/// (`JSONLinesSplit`).
///
/// The main thread reads parts from the front, in order, straight into the key index. The
/// settlement thread, once its own files are read, takes parts from the back into arrays of
/// its own. Each side's share is contiguous, so after both stop the helper's parts are
/// renumbered (lines and records continue from the main thread's last part) and appended in
/// order: the payments, their numbering and every position come out as one reader over the
/// files would give them. Reading 1M payments finished ~0.3 s after the settlement side;
/// sharing the tail evens the two threads out.
final class PaymentParts: @unchecked Sendable {
    struct Part {
        let file: Int
        let path: String
        /// nil: the whole file, opened and sniffed as usual.
        let range: Range<Int64>?
        /// 0 for a file's first part; later parts start mid-file and can go to the helper.
        let index: Int
    }

    /// A part read by the helper, numbered as if it started the file at line 1, record 0.
    struct HelperResult {
        var payments: PaymentRun
        var rejects: [Reject] = []
        var stats = SourceStats()
    }

    /// Where the next part of a file starts counting.
    struct Cursor {
        var line: Int64 = 1
        var record: Int64 = 0
    }

    let parts: [Part]
    private let paths: [String]
    private let forced: PaymentSystem?
    /// Counts the parts' bytes and records, for the progress line.
    private let meter: ReadMeter?
    private var front = 0
    private var back: Int
    private var helped: [Int: Result<HelperResult, any Error>] = [:]
    private let lock = DispatchQueue(label: "recon.payment-parts")
    // touched only by the main thread
    private var stats: [SourceStats]
    private var containers: [Container]
    private var cursors: [Cursor]

    /// Cuts files of at least two `partBytes` into parts of about that size.
    init(paths: [String], forced: PaymentSystem?, partBytes: Int, meter: ReadMeter? = nil) throws {
        var parts: [Part] = []
        for (file, path) in paths.enumerated() {
            let ranges = try Inputs.rethrowingIO { try JSONLinesSplit.ranges(path: path, partBytes: partBytes) }
            guard let ranges else {
                parts.append(Part(file: file, path: path, range: nil, index: 0))
                continue
            }
            meter?.expect(path: path)
            for (k, range) in ranges.enumerated() { parts.append(Part(file: file, path: path, range: range, index: k)) }
        }
        self.parts = parts
        self.paths = paths
        self.forced = forced
        self.meter = meter
        back = parts.count
        stats = Array(repeating: SourceStats(), count: paths.count)
        containers = Array(repeating: .plain, count: paths.count)
        cursors = Array(repeating: Cursor(), count: paths.count)
    }

    /// How many parts the helper read (after `finish`).
    var helperParts: Int { parts.count - front }

    private func takeFront() -> Int? {
        lock.sync {
            guard front < back else { return nil }
            front += 1
            return front - 1
        }
    }

    private func takeBack() -> Int? {
        lock.sync {
            guard front < back, parts[back - 1].index > 0 else { return nil }
            back -= 1
            return back
        }
    }

    /// The main thread's share: parts from the front, into `builder` as they are read.
    func readFront(into builder: KeyIndexBuilder) throws -> [Reject] {
        var rejects: [Reject] = []
        while let k = takeFront() {
            let part = parts[k]
            let input: OpenedInput
            var segment: RecordPosition?
            if let range = part.range {
                if part.index == 0 {
                    builder.expect(payments: SizeEstimate.records(part.path, try Inputs.open(part.path)))
                } else {
                    let cursor = cursors[part.file]
                    segment = RecordPosition(byte: range.lowerBound, line: cursor.line, record: cursor.record)
                }
                input = try Self.openPart(part.path, range, meter: meter)
            } else {
                input = try Inputs.open(part.path, meter: meter)
                containers[part.file] = input.container
                builder.expect(payments: SizeEstimate.records(part.path, input))
            }
            let read = try Inputs.rethrowingIO {
                try PaymentSourceReader.read(
                    input, path: part.path, forced: forced, segment: segment, onPayment: builder.append,
                    onReject: { rejects.append($0) })
            }
            advance(part.file, by: read)
            meter?.add(records: read.records)
        }
        return rejects
    }

    /// The helper's share, after its own work: parts from the back, into arrays.
    func helpFromBack() {
        while let k = takeBack() {
            let part = parts[k]
            let result = Result { () throws -> HelperResult in
                // sized from the part's bytes at the shortest line a record takes: capacity
                // never written costs no memory, and the run never grows by copying
                var result = HelperResult(
                    payments: PaymentRun(capacity: Int(part.range!.count) / SizeEstimate.lineBytesMin + 16))
                let input = try Self.openPart(part.path, part.range!, meter: meter)
                result.stats = try Inputs.rethrowingIO {
                    try PaymentSourceReader.read(
                        input, path: part.path, forced: forced,
                        segment: RecordPosition(byte: part.range!.lowerBound, line: 1, record: 0),
                        onPayment: { result.payments.append($0) }, onReject: { result.rejects.append($0) })
                }
                meter?.add(records: result.stats.records)
                return result
            }
            lock.sync { helped[k] = result }
        }
    }

    /// After both threads stop: renumbers the helper's parts, appends them in order, and
    /// returns their rejects and one summary per file.
    func finish(into builder: KeyIndexBuilder) throws -> (rejects: [Reject], summaries: [InputSummary]) {
        var rejects: [Reject] = []
        for k in front..<parts.count {
            guard var result = try helped.removeValue(forKey: k)?.get() else {
                preconditionFailure("payment part \(k) was read by neither thread")
            }
            let file = parts[k].file
            let cursor = cursors[file]
            result.payments.updatePositions { $0.shift(from: cursor) }
            for i in result.rejects.indices { result.rejects[i].source.position.shift(from: cursor) }
            for chunk in result.payments.chunks { builder.append(contentsOf: chunk) }
            rejects += result.rejects
            advance(file, by: result.stats, numberedFromOne: true)
        }
        let summaries = paths.indices.map { file in
            InputSummary(
                role: .payments, path: paths[file], container: containers[file].rawValue,
                format: stats[file].format, provider: stats[file].providerList, records: stats[file].records,
                rejected: stats[file].rejected, fatalError: stats[file].fatalError)
        }
        return (rejects, summaries)
    }

    /// Counts a part of `file` just read, its lines numbered from the cursor or from 1.
    private func advance(_ file: Int, by read: SourceStats, numberedFromOne: Bool = false) {
        stats[file].add(read)
        cursors[file].record += Int64(read.records)
        cursors[file].line = numberedFromOne ? cursors[file].line + read.nextLine - 1 : read.nextLine
    }

    static func openPart(_ path: String, _ range: Range<Int64>, meter: ReadMeter? = nil) throws -> OpenedInput {
        let source = try Inputs.rethrowingIO { try FileRangeByteSource(path: path, range: range) }
        return OpenedInput(source: source.metered(meter), container: .plain, format: .json, head: [])
    }
}

/// Payments read by the helper, kept in chunks made on its thread until the key index builder
/// copies their bytes (as models, their strings would be freed by the other thread, which glibc
/// does the slow way).
struct PaymentRun {
    private(set) var chunks: [PaymentChunk] = []
    private var left: Int

    /// `capacity`: about how many payments will come (the first chunk is sized for them).
    init(capacity: Int) { left = max(capacity, 16) }

    mutating func append(_ payment: consuming Payment) {
        if chunks.isEmpty || chunks[chunks.count - 1].count == PaymentTable.chunkSize {
            chunks.append(PaymentChunk(capacity: left))
        }
        chunks[chunks.count - 1].append(payment)
        left = max(left - 1, 16)
    }

    mutating func updatePositions(_ body: (inout SourcePosition) -> Void) {
        for i in chunks.indices { chunks[i].updatePositions(body) }
    }
}

extension SourcePosition {
    /// Renumbers a position read as if its part began the file (line 1, record 0).
    fileprivate mutating func shift(from cursor: PaymentParts.Cursor) {
        self = SourcePosition(byte: byte, line: line + cursor.line - 1, record: record + cursor.record)
    }
}
