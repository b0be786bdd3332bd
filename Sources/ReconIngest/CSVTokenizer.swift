import CSupport

/// An RFC 4180 state machine over bytes that never allocates and never throws.
///
/// Modelled on rust-csv's csv-core: the caller owns the input and output buffers and calls
/// `tokenize` until it returns `.record`; the tokenizer resumes exactly where it stopped, so a
/// record split across any number of reads comes out the same. Field bytes are written with
/// quotes removed and `""` unescaped; `ends[i]` is the end offset of field `i` in `output`.
///
/// Line endings LF, CRLF and CR all end a record (and count one line each); inside quotes they
/// are kept as data. Blank lines are skipped.
public struct CSVTokenizer: Sendable {
    public enum Outcome: Equatable, Sendable {
        /// All input consumed; call again with more (or `finish` at the end).
        case inputEmpty
        /// `output` is full; grow it and call again with the rest of the input.
        case outputFull
        /// `ends` is full; grow it and call again.
        case endsFull
        /// A complete record is in `output`/`ends`.
        case record
    }

    enum State: UInt8, Sendable {
        case recordStart, fieldStart, unquoted, quoted, quoteInQuoted
    }

    public let delimiter: UInt8
    var state = State.recordStart
    var afterCR = false
    /// Absolute offset of the next input byte.
    public var byteOffset: Int64 = 0
    /// Line number of the next input byte.
    public private(set) var line: Int64 = 1
    /// Where the record last returned (or in progress) starts.
    public private(set) var recordStart = RecordPosition(byte: 0, line: 1, record: 0)
    /// Set by `finish` when the last record ended inside an open quote.
    public private(set) var unterminatedQuote = false

    /// Whether a record that starts in the input and ends in it, on one line, is read by
    /// `plainRecord` instead of byte by byte (off only to test that both read the same).
    var plainRecords = true

    public init(delimiter: UInt8 = UInt8(ascii: ",")) {
        self.delimiter = delimiter
    }

    /// Consumes input until a record completes or a buffer runs out.
    /// - Returns: the number of input bytes consumed and why it stopped.
    public mutating func tokenize(
        _ input: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer, outputCount: inout Int,
        ends: UnsafeMutableBufferPointer<Int>, endsCount: inout Int
    ) -> (consumed: Int, outcome: Outcome) {
        let delimiter = self.delimiter
        var state = self.state
        var afterCR = self.afterCR
        var line = self.line
        var outCount = outputCount
        var endCount = endsCount
        let outCapacity = output.count
        let endCapacity = ends.count
        var i = 0
        let n = input.count
        var outcome = Outcome.inputEmpty
        defer {
            self.state = state
            self.afterCR = afterCR
            self.line = line
            self.byteOffset += Int64(i)
            outputCount = outCount
            endsCount = endCount
        }
        while i < n {
            if outCount == outCapacity {
                outcome = .outputFull
                break
            }
            if endCount == endCapacity {
                outcome = .endsFull
                break
            }
            let b = input[i]
            let isNewline = b == 0x0A || b == 0x0D
            if isNewline {
                if b == 0x0A && afterCR {
                    afterCR = false
                    i += 1
                    if state == .quoted { output[outCount] = b; outCount += 1 }
                    continue
                }
                line += 1
                afterCR = b == 0x0D
            } else {
                afterCR = false
            }
            switch state {
            case .recordStart:
                if isNewline {
                    i += 1
                    continue
                }
                recordStart = RecordPosition(
                    byte: byteOffset + Int64(i), line: line, record: recordStart.record + 1)
                if plainRecords,
                    let end = Self.plainRecord(
                        input, from: i, delimiter: delimiter, output: output, outputCount: &outCount, ends: ends,
                        endsCount: &endCount)
                {
                    line += 1
                    afterCR = input[end] == 0x0D
                    i = end + 1
                    return (i, .record)
                }
                state = .fieldStart
                continue  // reprocess this byte as the start of the first field
            case .fieldStart:
                if b == 0x22 {
                    state = .quoted
                } else if b == delimiter {
                    ends[endCount] = outCount
                    endCount += 1
                } else if isNewline {
                    ends[endCount] = outCount
                    endCount += 1
                    state = .recordStart
                    i += 1
                    outcome = .record
                    return (i, outcome)
                } else {
                    output[outCount] = b
                    outCount += 1
                    state = .unquoted
                }
            case .unquoted where b != delimiter && !isNewline:
                // fast path: copy the rest of a plain field in one run
                var j = i + 1
                let room = min(n, i + (outCapacity - outCount))
                let delimiterWord = 0x0101_0101_0101_0101 &* UInt64(delimiter)
                while j + 8 <= room {  // eight bytes at a time while none ends the field
                    let word = input.loadUnaligned(fromByteOffset: j, as: UInt64.self)
                    let ends = CSVTokenizer.byteMask(word, delimiterWord)
                        | CSVTokenizer.byteMask(word, 0x0A0A_0A0A_0A0A_0A0A)
                        | CSVTokenizer.byteMask(word, 0x0D0D_0D0D_0D0D_0D0D)
                    if ends != 0 {
                        j += ends.trailingZeroBitCount >> 3  // the lowest flag is exact
                        break
                    }
                    j += 8
                }
                while j < room {
                    let c = input[j]
                    if c == delimiter || c == 0x0A || c == 0x0D { break }
                    j += 1
                }
                let run = j - i
                (output.baseAddress! + outCount).copyMemory(from: input.baseAddress! + i, byteCount: run)
                outCount += run
                i = j
                continue
            case .unquoted:
                if b == delimiter {
                    ends[endCount] = outCount
                    endCount += 1
                    state = .fieldStart
                } else if isNewline {
                    ends[endCount] = outCount
                    endCount += 1
                    state = .recordStart
                    i += 1
                    outcome = .record
                    return (i, outcome)
                } else {
                    output[outCount] = b
                    outCount += 1
                }
            case .quoted:
                if b == 0x22 {
                    state = .quoteInQuoted
                } else {
                    output[outCount] = b
                    outCount += 1
                }
            case .quoteInQuoted:
                if b == 0x22 {
                    output[outCount] = b
                    outCount += 1
                    state = .quoted
                } else if b == delimiter {
                    ends[endCount] = outCount
                    endCount += 1
                    state = .fieldStart
                } else if isNewline {
                    ends[endCount] = outCount
                    endCount += 1
                    state = .recordStart
                    i += 1
                    outcome = .record
                    return (i, outcome)
                } else {
                    // `"ab"c`: lenient like rust-csv, the rest is literal
                    output[outCount] = b
                    outCount += 1
                    state = .unquoted
                }
            }
            i += 1
        }
        return (i, outcome)
    }

    /// Reads a whole record from `start` at once, when it is the common kind: it ends within
    /// `input`, on the line it starts, and its quoted fields (if any) hold no `""` and are
    /// followed by a delimiter or the line end. The delimiters, quotes and line ends are found
    /// 64 bytes at a time (`recon_match64`); each field is copied in one move. Returns the
    /// offset of the line end, or nil with nothing written (then the state machine reads the
    /// record, and reads it the same).
    @inline(__always)
    static func plainRecord(
        _ input: UnsafeRawBufferPointer, from start: Int, delimiter: UInt8,
        output: UnsafeMutableRawBufferPointer, outputCount: inout Int,
        ends: UnsafeMutableBufferPointer<Int>, endsCount: inout Int
    ) -> Int? {
        let base = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let target = output.baseAddress!
        let n = input.count
        let outCapacity = output.count
        let endCapacity = ends.count
        var out = outputCount
        var endCount = endsCount
        var fieldStart = start  // where the current field's bytes start (after an opening quote)
        var quoteOpen = -1  // the opening quote of the current field, while inside it
        var quoteClosed = -1  // the closing quote of the current field, once seen
        var block = start
        while block + 64 <= n {
            var mask = recon_match64(base + block, delimiter, 0x0A, 0x0D, 0x22)
            while mask != 0 {
                let at = block + mask.trailingZeroBitCount
                mask &= mask - 1
                let c = base[at]
                if quoteOpen >= 0 {  // inside quotes only the closing quote counts; no line ends
                    if c == 0x22 {
                        if at + 1 < n && base[at + 1] == 0x22 { return nil }  // `""`: byte by byte
                        quoteOpen = -1
                        quoteClosed = at
                    } else if c != delimiter {
                        return nil
                    }
                    continue
                }
                if c == 0x22 {
                    guard at == fieldStart, quoteClosed < 0 else { return nil }  // `ab"c` or `"a"b"`
                    quoteOpen = at
                    fieldStart = at + 1
                    continue
                }
                // a delimiter or the line end: the field ends here
                var fieldEnd = at
                if quoteClosed >= 0 {
                    guard quoteClosed == at - 1 else { return nil }  // `"a"b,`
                    fieldEnd = quoteClosed
                    quoteClosed = -1
                }
                let length = fieldEnd - fieldStart
                guard out + length <= outCapacity, endCount < endCapacity else { return nil }
                (target + out).copyMemory(from: base + fieldStart, byteCount: length)
                out += length
                ends[endCount] = out
                endCount += 1
                if c != delimiter {
                    outputCount = out
                    endsCount = endCount
                    return at
                }
                fieldStart = at + 1
            }
            block += 64
        }
        return nil
    }

    /// High bits marking the bytes of `word` equal to the byte repeated in `pattern` (SWAR;
    /// bytes after a match may be marked too, but the lowest mark is exact).
    @inline(__always)
    static func byteMask(_ word: UInt64, _ pattern: UInt64) -> UInt64 {
        let v = word ^ pattern
        return (v &- 0x0101_0101_0101_0101) & ~v & 0x8080_8080_8080_8080
    }

    /// Ends the input: completes a last record that has no line terminator.
    /// - Returns: `.record` if one was pending, `.inputEmpty` if there was none, or a
    ///   buffer-full outcome to grow and call again.
    public mutating func finish(
        output: UnsafeMutableRawBufferPointer, outputCount: inout Int,
        ends: UnsafeMutableBufferPointer<Int>, endsCount: inout Int
    ) -> Outcome {
        guard state != .recordStart else { return .inputEmpty }
        guard endsCount < ends.count else { return .endsFull }
        unterminatedQuote = state == .quoted
        ends[endsCount] = outputCount
        endsCount += 1
        state = .recordStart
        return .record
    }
}
