#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the records of a JSON input are laid out.
public enum JSONFraming: String, Sendable {
    /// JSON Lines: one value per line.
    case lines
    /// One top-level array whose elements are the records (streamed element by element).
    case array
    /// One or more multi-line values, each a record (or an envelope of records).
    case document
}

/// One JSON record, valid until the reader's next call.
public struct JSONRecord {
    public let value: JSONValue
    /// The enclosing document when the record came out of an envelope (`{"data":[...]}`), so
    /// an adapter can resolve JSON:API `included` resources.
    public let document: JSONValue?
    public let position: RecordPosition
    /// True when the record is exactly one line (JSON Lines), so `file:line` locates it.
    public let isLineFramed: Bool
    let rawBytes: UnsafeRawBufferPointer

    /// The record's text (cut at 512 bytes) for reject files.
    public var rawText: String { JSONReader.snippet(rawBytes) }
}

/// A record that is not well-formed JSON: reported, and the reader goes on with the next.
public struct JSONRecordError: Error, Sendable {
    public let message: String
    public let position: RecordPosition
    /// Byte offset of the error itself.
    public let errorByte: Int64
    public let isLineFramed: Bool
    public let rawText: String
}

public enum JSONItem {
    case record(JSONRecord)
    case malformed(JSONRecordError)
}

/// Streams records out of JSON Lines, a top-level array, or envelopes, detecting which.
///
/// Bytes are read in 1 MiB blocks into one sliding buffer; each record is framed (by line,
/// or by bracket depth for multi-line values), parsed in place into a reused tape, and handed
/// out as a view. A malformed line is reported and skipped; damage that makes the rest of a
/// file unframeable (an unclosed array element) throws.
public final class JSONReader {
    public let name: String
    private let source: any ByteSource
    private var buffer: UnsafeMutableRawPointer
    /// Set when the whole input is a mapped file range: `buffer` points into it, and there is
    /// nothing to refill.
    private let mapped: MappedBytes?
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var sourceDone = false
    /// Absolute stream offset of `buffer[0]`.
    private var base: Int64 = 0
    /// Line number at `buffer[start]`.
    private var line: Int64 = 1
    private var records: Int64 = 0
    private let tape = JSONTape()

    private enum Mode { case undetermined, lines, array, document, done }
    private var mode = Mode.undetermined
    private var arrayExpectsComma = false
    public private(set) var framing: JSONFraming?

    // An envelope being expanded: its bytes stay at buffer[valueStart..<valueEnd] until done.
    private var pending: [Int] = []
    private var pendingNext = 0
    private var pendingDocument = 0
    private var pendingValueStart = 0
    private var pendingValueByte: Int64 = 0
    private var pendingCursorOffset = 0
    private var pendingCursorLine: Int64 = 0
    private var pendingAdvanceTo = 0
    private var pendingAdvanceLine: Int64 = 0

    public init(source: any ByteSource) throws(IngestError) {
        self.source = source
        name = source.name
        mapped = (source as? FileRangeByteSource)?.mapped()
        (buffer, capacity, end) = Self.initialBuffer(mapped)
        while end - start < 3, try refill() {}
        if end - start >= 3 && byteAt(0) == 0xEF && byteAt(1) == 0xBB && byteAt(2) == 0xBF {
            start += 3
        }
    }

    /// Reads one part of a JSON Lines file (a `JSONLinesSplit` range) as lines, numbering
    /// from `segment`: the part's first byte offset, the line number it starts on as far as
    /// the caller knows it, and the records before it.
    public init(source: any ByteSource, segment: RecordPosition) {
        self.source = source
        name = source.name
        mapped = (source as? FileRangeByteSource)?.mapped()
        (buffer, capacity, end) = Self.initialBuffer(mapped)
        base = segment.byte
        line = segment.line
        records = segment.record
        mode = .lines
        framing = .lines
    }

    deinit {
        if mapped == nil { buffer.deallocate() }
    }

    /// The mapped range as a buffer already full, or an empty buffer of one read block.
    private static func initialBuffer(_ mapped: MappedBytes?) -> (UnsafeMutableRawPointer, Int, Int) {
        if let mapped { return (mapped.bytes.baseAddress!, mapped.bytes.count, mapped.bytes.count) }
        return (.allocate(byteCount: IngestLimits.readChunkBytes, alignment: 16), IngestLimits.readChunkBytes, 0)
    }

    /// The line number after everything read so far (1 + newlines, from the start line).
    public var nextLineNumber: Int64 { line }
    /// Records (and malformed records) handed out so far, counting from the start record.
    public var recordCount: Int64 { records }

    @inline(__always) private func byteAt(_ offset: Int) -> UInt8 {
        buffer.load(fromByteOffset: start + offset, as: UInt8.self)
    }

    /// The next record or malformed record; nil at the end of the input.
    public func next() throws(IngestError) -> JSONItem? {
        if pendingNext < pending.count { return nextPending() }
        if !pending.isEmpty { finishPending() }
        while true {
            switch mode {
            case .done:
                return nil
            case .undetermined:
                guard try skipWhitespace() else {
                    mode = .done
                    return nil
                }
                if byteAt(0) == UInt8(ascii: "[") {
                    mode = .array
                    framing = .array
                    advance(by: 1)
                    continue
                }
                return try frameFirstValue()
            case .lines:
                guard let item = try nextLine() else { continue }
                return item
            case .array:
                guard let item = try nextArrayElement() else { continue }
                return item
            case .document:
                guard try skipWhitespace() else {
                    mode = .done
                    return nil
                }
                let length = try frameByDepth(allowDocument: true)
                return emit(length: length, lineFramed: false, expand: true)
            }
        }
    }

    // MARK: framing

    /// Frames the first value by depth, then decides: a one-line value means JSON Lines.
    private func frameFirstValue() throws(IngestError) -> JSONItem? {
        let length = try frameByDepth(allowDocument: true)
        var multiLine = false
        for k in 0..<length where byteAt(k) == 0x0A || byteAt(k) == 0x0D {
            multiLine = true
            break
        }
        if multiLine {
            mode = .document
            framing = .document
            return emit(length: length, lineFramed: false, expand: true)
        }
        mode = .lines
        framing = .lines
        return try nextLine()
    }

    /// The next non-blank line as a record.
    private func nextLine() throws(IngestError) -> JSONItem? {
        var scanned = 0
        while true {
            let available = end - start
            if scanned < available,
                let hit = memchr(buffer + start + scanned, 0x0A, available - scanned)
            {
                let lineLength = buffer.distance(to: hit) - start
                return emitLine(length: lineLength, terminator: 1)
            }
            scanned = available
            if sourceDone {
                if available == 0 {
                    mode = .done
                    return nil
                }
                return emitLine(length: available, terminator: 0)
            }
            guard available < IngestLimits.recordBytesMax else { return try skipOversizeLine() }
            _ = try refill()
        }
    }

    /// A line longer than `recordBytesMax` is reported as a malformed record and skipped to
    /// its end, so one runaway line does not stop the rest of the file.
    private func skipOversizeLine() throws(IngestError) -> JSONItem {
        records += 1
        let position = RecordPosition(byte: base + Int64(start), line: line, record: records)
        let raw = JSONReader.snippet(UnsafeRawBufferPointer(start: buffer + start, count: end - start))
        while true {
            if let hit = memchr(buffer + start, 0x0A, end - start) {
                start = buffer.distance(to: hit) + 1
                line += 1
                break
            }
            start = end
            if !(try refill()) { break }
        }
        return .malformed(
            JSONRecordError(
                message: "the line is longer than \(IngestLimits.recordBytesMax >> 20) MiB and was skipped",
                position: position, errorByte: position.byte, isLineFramed: true, rawText: raw))
    }

    private func emitLine(length: Int, terminator: Int) -> JSONItem? {
        var contentLength = length
        if contentLength > 0 && byteAt(contentLength - 1) == 0x0D { contentLength -= 1 }
        var blank = true
        for k in 0..<contentLength {
            let b = byteAt(k)
            if b != 0x20 && b != 0x09 && b != 0x0D {
                blank = false
                break
            }
        }
        if blank {
            advance(by: length + terminator, lines: Int64(terminator))
            return nil
        }
        return emit(
            length: contentLength, lineFramed: true, expand: true, consumed: length + terminator,
            consumedLines: Int64(terminator))
    }

    /// The next element of the top-level array.
    private func nextArrayElement() throws(IngestError) -> JSONItem? {
        guard try skipWhitespace() else {
            throw structureError("the top-level array is not closed (missing ']')")
        }
        let b = byteAt(0)
        if b == UInt8(ascii: "]") {
            advance(by: 1)
            if try skipWhitespace() {
                throw structureError("unexpected data after the end of the top-level array")
            }
            mode = .done
            return nil
        }
        if arrayExpectsComma {
            guard b == UInt8(ascii: ",") else {
                throw structureError("expected ',' or ']' between array elements")
            }
            advance(by: 1)
            arrayExpectsComma = false
            guard try skipWhitespace() else {
                throw structureError("the top-level array is not closed (missing ']')")
            }
        }
        let length = try frameByDepth(allowDocument: false)
        arrayExpectsComma = true
        return emit(length: length, lineFramed: false, expand: false)
    }

    /// Finds the end of the value at `start`: bracket depth for containers, the closing
    /// quote for strings, a delimiter for scalars.
    private func frameByDepth(allowDocument: Bool) throws(IngestError) -> Int {
        let limit = allowDocument ? IngestLimits.jsonDocumentBytesMax : IngestLimits.recordBytesMax
        let first = byteAt(0)
        var offset = 0
        var depth = 0
        var inString = false
        var escape = false
        let container = first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        if !container && first != UInt8(ascii: "\"") {
            // scalar or garbage: up to whitespace or a structural byte
            while true {
                while start + offset < end {
                    let b = byteAt(offset)
                    if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 || b == 0x2C || b == 0x5D
                        || b == 0x7D
                    {
                        return max(offset, 1)
                    }
                    offset += 1
                }
                if sourceDone { return offset }
                _ = try refill()
            }
        }
        while true {
            while start + offset < end {
                let b = byteAt(offset)
                offset += 1
                if inString {
                    if escape {
                        escape = false
                    } else if b == 0x5C {
                        escape = true
                    } else if b == 0x22 {
                        inString = false
                        if !container { return offset }
                    }
                } else if b == 0x22 {
                    inString = true
                } else if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                    depth += 1
                } else if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { return offset }
                }
            }
            if sourceDone {
                throw structureError(
                    inString ? "a string is not closed before the end of the input"
                        : "a JSON value is not closed before the end of the input (missing '}' or ']')")
            }
            guard offset < limit else {
                throw limitError("a JSON value is larger than \(limit >> 20) MiB")
            }
            // the scan offset is relative to `start`, so compaction inside refill is harmless
            _ = try refill()
        }
    }

    /// Skips whitespace, counting lines; false at the end of the input.
    private func skipWhitespace() throws(IngestError) -> Bool {
        while true {
            while start < end {
                let b = byteAt(0)
                if b == 0x0A {
                    line += 1
                } else if b != 0x20 && b != 0x0D && b != 0x09 {
                    return true
                }
                start += 1
            }
            if sourceDone { return false }
            _ = try refill()
        }
    }

    // MARK: records

    /// Parses `length` bytes at `start` as one record; expands envelopes when allowed.
    private func emit(
        length: Int, lineFramed: Bool, expand: Bool, consumed: Int? = nil, consumedLines: Int64? = nil
    ) -> JSONItem? {
        records += 1
        let bytes = UnsafeRawBufferPointer(start: buffer + start, count: length)
        let position = RecordPosition(byte: base + Int64(start), line: line, record: records)
        let consumedBytes = consumed ?? length
        // a line-framed record holds no newline, so only multi-line values are counted
        let consumedLines = consumedLines ?? countNewlines(bytes)
        do {
            try JSONParser.parse(bytes, into: tape)
        } catch {
            advance(by: consumedBytes, lines: consumedLines)
            return .malformed(
                JSONRecordError(
                    message: error.message, position: position,
                    errorByte: position.byte + Int64(error.offset), isLineFramed: lineFramed,
                    rawText: JSONReader.snippet(bytes)))
        }
        let nodes = tape.buffer
        let root = JSONValue(bytes: bytes, nodes: nodes, index: 0)
        if expand, let list = JSONReader.listMember(root) {
            records -= 1
            pending = []
            var k = list.index + 1
            while k < Int(list.node.next) {
                pending.append(k)
                k = Int(nodes[k].next)
            }
            pendingNext = 0
            pendingDocument = 0
            pendingValueStart = start
            pendingValueByte = position.byte
            pendingCursorOffset = 0
            pendingCursorLine = line
            pendingAdvanceTo = start + consumedBytes
            pendingAdvanceLine = line + consumedLines
            if pending.isEmpty {
                finishPending()
                return nil
            }
            return nextPending()
        }
        advance(by: consumedBytes, lines: consumedLines)
        return .record(
            JSONRecord(
                value: root, document: nil, position: position, isLineFramed: lineFramed,
                rawBytes: bytes))
    }

    /// `{"data":[...]}`, `{"cursor":{"data":[...]}}` (Formance) or a bare array.
    static func listMember(_ root: JSONValue) -> JSONValue? {
        if root.kind == .array { return root }
        let mask = root.memberMask(envelopeNames)
        guard mask != 0 else { return nil }  // one pass decides for ordinary records
        if let data = root["data"], data.kind == .array { return data }
        if let data = root.path("cursor", "data"), data.kind == .array { return data }
        return nil
    }

    static let envelopeNames: JSONNames = ["data", "cursor"]

    private func nextPending() -> JSONItem {
        let index = pending[pendingNext]
        pendingNext += 1
        records += 1
        let documentLength = pendingAdvanceTo - pendingValueStart
        let bytes = UnsafeRawBufferPointer(start: buffer + pendingValueStart, count: documentLength)
        let nodes = tape.buffer
        let value = JSONValue(bytes: bytes, nodes: nodes, index: index)
        let offset = value.offset
        pendingCursorLine += countNewlines(
            UnsafeRawBufferPointer(rebasing: bytes[pendingCursorOffset..<offset]))
        pendingCursorOffset = offset
        let position = RecordPosition(
            byte: pendingValueByte + Int64(offset), line: pendingCursorLine, record: records)
        let elementEnd = Int(value.node.end) + (value.kind == .string ? 1 : 0)
        let raw = UnsafeRawBufferPointer(rebasing: bytes[max(0, offset - (value.kind == .string ? 1 : 0))..<elementEnd])
        return .record(
            JSONRecord(
                value: value, document: JSONValue(bytes: bytes, nodes: nodes, index: pendingDocument),
                position: position, isLineFramed: false, rawBytes: raw))
    }

    private func finishPending() {
        start = pendingAdvanceTo
        line = pendingAdvanceLine
        pending = []
        pendingNext = 0
    }

    // MARK: buffer

    private func advance(by count: Int, lines: Int64 = 0) {
        start += count
        line += lines
    }

    /// Moves unread bytes to the front, grows when full, reads more. False at end of input.
    private func refill() throws(IngestError) -> Bool {
        if mapped != nil {  // everything is in the buffer already
            sourceDone = true
            return false
        }
        if start > 0 {
            let live = end - start
            if live > 0 { memmove(buffer, buffer + start, live) }
            base += Int64(start)
            end = live
            start = 0
        }
        if end == capacity {
            let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
            bigger.copyMemory(from: buffer, byteCount: end)
            buffer.deallocate()
            buffer = bigger
            capacity *= 2
        }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: capacity - end))
        if n == 0 {
            sourceDone = true
            return false
        }
        end += n
        return true
    }

    private func countNewlines(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        var count: Int64 = 0
        for b in bytes where b == 0x0A { count += 1 }
        return count
    }

    private func structureError(_ message: String) -> IngestError {
        IngestError(.malformedJSON, message, file: name, byte: base + Int64(start), line: line)
    }

    private func limitError(_ message: String) -> IngestError {
        IngestError(.limitExceeded, message, file: name, byte: base + Int64(start), line: line)
    }

    static func snippet(_ bytes: UnsafeRawBufferPointer) -> String {
        let cut = UnsafeRawBufferPointer(rebasing: bytes[0..<min(bytes.count, 512)])
        return String(decoding: cut, as: UTF8.self)
    }
}
