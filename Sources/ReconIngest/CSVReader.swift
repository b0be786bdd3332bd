/// One CSV record as bytes, valid until the reader's next call.
///
/// No `String` per field: adapters turn only the fields they keep into values.
public struct CSVRow {
    let bytes: UnsafeRawPointer
    let ends: UnsafePointer<Int>
    public let count: Int
    public let position: RecordPosition
    /// The record ended inside an open quote (the file ended first).
    public let unterminatedQuote: Bool

    /// Field `index`'s bytes (quotes removed); empty for a missing field.
    public subscript(index: Int) -> UnsafeRawBufferPointer {
        guard index >= 0 && index < count else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let start = index == 0 ? 0 : ends[index - 1]
        return UnsafeRawBufferPointer(start: bytes + start, count: ends[index] - start)
    }

    /// Field `index` as text (invalid UTF-8 is replaced with U+FFFD).
    public func string(_ index: Int) -> String {
        String(decoding: self[index], as: UTF8.self)
    }

    /// A row made of `fields` (JSON or XML values a profile names, read through the same table
    /// reading as a CSV's rows); the row is valid only inside `body`.
    public static func withFields<R>(
        _ fields: [[UInt8]], position: RecordPosition, _ body: (CSVRow) throws -> R
    ) rethrows -> R {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        ends.reserveCapacity(fields.count)
        for field in fields {
            bytes += field
            ends.append(bytes.count)
        }
        if bytes.isEmpty { bytes.append(0) }  // a valid base address for empty fields
        return try bytes.withUnsafeBytes { b in
            try ends.withUnsafeBufferPointer { e in
                try body(
                    CSVRow(
                        bytes: b.baseAddress!, ends: e.baseAddress ?? UnsafePointer(bitPattern: 8)!,
                        count: fields.count, position: position, unterminatedQuote: false))
            }
        }
    }

    /// The first field holding bytes that are not UTF-8: the field, the offset in it and the
    /// broken sequence's bytes. Text from another encoding was converted on the way in,
    /// so this finds stray bytes in a UTF-8 file; an all-ASCII row is checked 8 bytes at a time.
    public var invalidUTF8: (field: Int, offset: Int, bytes: [UInt8])? {
        guard count > 0 else { return nil }
        let total = ends[count - 1]
        var i = 0
        while i + 8 <= total && bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            i += 8
        }
        while i < total && bytes.load(fromByteOffset: i, as: UInt8.self) < 0x80 { i += 1 }
        guard i < total else { return nil }
        // fields are checked one by one: a sequence cut between two fields is invalid in both
        var field = 0
        while ends[field] <= i { field += 1 }
        while field < count {
            let value = self[field]
            if let offset = TextEncoding.firstInvalidUTF8(value) {
                // the bad byte and the continuation bytes after it: the broken sequence
                var end = offset + 1
                while end < min(offset + 4, value.count) && value[end] & 0xC0 == 0x80 { end += 1 }
                return (field, offset, Array(value[offset..<end]))
            }
            field += 1
        }
        return nil
    }

    /// The record re-joined with `,` (quoted where needed) for reject files and messages.
    public var rawText: String {
        (0..<count).map { index in
            let text = string(index)
            guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
                return text
            }
            return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
        }.joined(separator: ",")
    }
}

/// A buffered CSV reader over any byte source: strips a UTF-8 BOM, sniffs the delimiter from
/// the header line, reuses its buffers and tracks each record's position.
public final class CSVReader {
    public let name: String
    public let delimiter: UInt8
    private let source: any ByteSource
    private var tokenizer: CSVTokenizer
    private let input: UnsafeMutableRawBufferPointer
    private var inputStart = 0
    private var inputEnd = 0
    private var sourceDone = false
    private var output: UnsafeMutableRawBufferPointer
    private var outputCount = 0
    private var ends: UnsafeMutableBufferPointer<Int>
    private var endsCount = 0
    private var finished = false

    /// - Parameter delimiter: forced delimiter; nil sniffs one of `,` `;` tab `|` from the
    ///   first line (the one that occurs most often outside quotes).
    public init(source: any ByteSource, delimiter: UInt8? = nil) throws(IngestError) {
        self.source = source
        name = source.name
        input = .allocate(byteCount: IngestLimits.readChunkBytes, alignment: 16)
        output = .allocate(byteCount: 64 << 10, alignment: 16)
        ends = .allocate(capacity: 256)
        // fill the first chunk, strip the BOM, sniff
        var filled = 0
        while filled < input.count {
            let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: input[filled...]))
            if n == 0 {
                sourceDone = true
                break
            }
            filled += n
        }
        inputEnd = filled
        var bomLength = 0
        if filled >= 3 && input[0] == 0xEF && input[1] == 0xBB && input[2] == 0xBF { bomLength = 3 }
        inputStart = bomLength
        let chosen =
            delimiter
            ?? CSVReader.sniffDelimiter(UnsafeRawBufferPointer(rebasing: input[bomLength..<filled]))
        self.delimiter = chosen
        tokenizer = CSVTokenizer(delimiter: chosen)
        tokenizer.byteOffset = Int64(bomLength)
    }

    deinit {
        input.deallocate()
        output.deallocate()
        ends.deallocate()
    }

    /// The next record, or nil at the end of the input. The row is valid until the next call.
    public func next() throws(IngestError) -> CSVRow? {
        guard !finished else { return nil }
        // the common case, a record wholly inside the current block, runs on local copies:
        // every access to a class's stored property is an exclusivity check at run time
        if inputStart < inputEnd {
            var tokenizer = self.tokenizer
            var outputCount = 0
            var endsCount = 0
            let (consumed, outcome) = tokenizer.tokenize(
                UnsafeRawBufferPointer(rebasing: input[inputStart..<inputEnd]),
                output: output, outputCount: &outputCount, ends: ends, endsCount: &endsCount)
            if outcome == .record {
                self.tokenizer = tokenizer
                inputStart += consumed
                return CSVRow(
                    bytes: UnsafeRawPointer(output.baseAddress!), ends: UnsafePointer(ends.baseAddress!),
                    count: endsCount, position: tokenizer.recordStart, unterminatedQuote: false)
            }
        }
        return try nextSlow()
    }

    /// A record that crosses a block, needs bigger buffers, or ends the input.
    private func nextSlow() throws(IngestError) -> CSVRow? {
        outputCount = 0
        endsCount = 0
        while true {
            if inputStart == inputEnd {
                if !sourceDone { try refill() }
                if inputStart == inputEnd {
                    switch tokenizer.finish(
                        output: output, outputCount: &outputCount, ends: ends, endsCount: &endsCount)
                    {
                    case .record: return row()
                    case .endsFull:
                        try growEnds()
                        continue
                    default:
                        finished = true
                        return nil
                    }
                }
            }
            let (consumed, outcome) = tokenizer.tokenize(
                UnsafeRawBufferPointer(rebasing: input[inputStart..<inputEnd]),
                output: output, outputCount: &outputCount, ends: ends, endsCount: &endsCount)
            inputStart += consumed
            switch outcome {
            case .record: return row()
            case .inputEmpty: continue
            case .outputFull: try growOutput()
            case .endsFull: try growEnds()
            }
        }
    }

    private func row() -> CSVRow {
        CSVRow(
            bytes: UnsafeRawPointer(output.baseAddress!), ends: UnsafePointer(ends.baseAddress!),
            count: endsCount, position: tokenizer.recordStart,
            unterminatedQuote: tokenizer.unterminatedQuote)
    }

    private func refill() throws(IngestError) {
        inputStart = 0
        inputEnd = 0
        let n = try source.read(into: input)
        if n == 0 { sourceDone = true }
        inputEnd = n
    }

    private func growOutput() throws(IngestError) {
        guard output.count < IngestLimits.recordBytesMax else {
            throw IngestError(
                .limitExceeded,
                "a record is longer than \(IngestLimits.recordBytesMax >> 20) MiB "
                    + "(an unclosed quote?)",
                file: name, byte: tokenizer.recordStart.byte, line: tokenizer.recordStart.line)
        }
        let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: output.count * 2, alignment: 16)
        bigger.copyMemory(from: UnsafeRawBufferPointer(rebasing: output[0..<outputCount]))
        output.deallocate()
        output = bigger
    }

    private func growEnds() throws(IngestError) {
        guard ends.count < 1 << 20 else {
            throw IngestError(
                .limitExceeded, "a record has more than \(1 << 20) fields",
                file: name, byte: tokenizer.recordStart.byte, line: tokenizer.recordStart.line)
        }
        let bigger = UnsafeMutableBufferPointer<Int>.allocate(capacity: ends.count * 2)
        _ = bigger.initialize(from: ends)
        ends.deallocate()
        ends = bigger
    }

    /// The candidate delimiter that occurs most often outside quotes on the first line.
    public static func sniffDelimiter(_ head: UnsafeRawBufferPointer) -> UInt8 {
        let candidates: [UInt8] = [0x2C, 0x3B, 0x09, 0x7C]  // , ; tab |
        var counts = [0, 0, 0, 0]
        var inQuotes = false
        for b in head {
            if b == 0x22 {
                inQuotes.toggle()
            } else if !inQuotes {
                if b == 0x0A || b == 0x0D { break }
                if let k = candidates.firstIndex(of: b) { counts[k] += 1 }
            }
        }
        var best = 0
        for k in 1..<4 where counts[k] > counts[best] { best = k }
        return candidates[best]
    }
}
