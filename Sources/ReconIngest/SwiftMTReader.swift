#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The fields of SWIFT MT messages (MT940 statements, MT942 reports) as banks write them:
/// inside `{1:}{2:}{3:}{4:` ... `-}` envelopes or bare; after preamble lines (`ABNANL2A`,
/// `940`, `:940:`, `0000 01INGBNL2AXXXX00001`); ending with `-`, `-}`, `-XXX`, or no end at all;
/// with SOH/ETX framing and Ctrl-Z bytes; with CRLF and LF mixed. A field is its tag (`61`,
/// `86`, `60F`) and its text (continuation lines joined with `\n`), kept as bytes: the reader
/// makes no `String` per line. Knows no statements.
public final class SwiftMTReader {
    /// Bytes of a line, in the line reader's buffer or a copy without framing bytes.
    typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>

    public struct Field: Sendable {
        public var tag: String
        /// The text after the tag, its lines joined with `\n`, without framing bytes and
        /// trailing blanks.
        public var text: [UInt8]
        /// The line the tag is on.
        public var line: Int64

        /// The text of the tag's own line.
        public var firstLine: ArraySlice<UInt8> {
            text[..<(text.firstIndex(of: 0x0A) ?? text.endIndex)]
        }

        /// The continuation lines, joined with a space.
        public var continuation: ArraySlice<UInt8> {
            guard let newline = text.firstIndex(of: 0x0A) else { return [] }
            return ArraySlice(text[(newline + 1)...].map { $0 == 0x0A ? 0x20 : $0 })
        }
    }

    public enum Item: Sendable {
        case field(Field)
        /// `-` or `-}`: the message (statement) ends here.
        case messageEnd(line: Int64)
    }

    private let lines: LineReader
    private var pending: Field?
    /// A message end read after the field it completed, given out next.
    private var endAfter: Int64?
    private var done = false

    public init(source: any ByteSource) {
        lines = LineReader(source: source)
    }

    public var name: String { lines.name }

    public func next() throws(IngestError) -> Item? {
        if let line = endAfter {
            endAfter = nil
            return .messageEnd(line: line)
        }
        while !done {
            guard let raw = try lines.next() else {
                done = true
                break
            }
            let line = Self.trimmed(raw)
            // most lines hold no framing byte (SOH, ETX, Ctrl-Z): no copy for them
            let item =
                Self.hasFraming(line)
                ? line.filter { !Self.isFraming($0) }.withUnsafeBufferPointer { take($0[...], line: lines.line) }
                : take(line, line: lines.line)
            if let item { return item }
        }
        defer { pending = nil }
        return pending.map(Item.field)
    }

    /// Takes one line; returns the item it completed, if any.
    private func take(_ line: Bytes, line number: Int64) -> Item? {
        var text = line
        if text.first == UInt8(ascii: "{") {
            // `{1:F01...}{2:O940...}{4:` then maybe the first field; `{5:...}` trailers ignored
            guard let block = Self.firstRange(of: Self.block4, in: text) else { return nil }
            text = text[block.upperBound...]
            if text.isEmpty { return nil }
        }
        if text.first == UInt8(ascii: "-") && Self.isMessageEnd(text) {
            guard let field = pending else { return .messageEnd(line: number) }
            pending = nil
            endAfter = number
            return .field(field)
        }
        if let (tag, rest) = Self.tag(text) {
            let completed = pending
            var text: [UInt8] = []
            text.reserveCapacity(rest.count + 64)  // room for a continuation line without a copy
            text += rest
            pending = Field(tag: tag, text: text, line: number)
            return completed.map(Item.field)
        }
        if text.allSatisfy({ $0 == 0x20 }) { return nil }
        // a continuation line, or a preamble line before the first field
        pending?.text.append(0x0A)
        pending?.text.append(contentsOf: text)
        return nil
    }

    private static let block4: [UInt8] = Array("{4:".utf8)

    static func firstRange(of needle: [UInt8], in bytes: Bytes) -> Range<Int>? {
        var from = bytes.startIndex
        while let at = bytes[from...].firstIndex(of: needle[0]) {
            if bytes[at...].starts(with: needle) { return at..<(at + needle.count) }
            from = at + 1
        }
        return nil
    }

    /// `-`, `-}`, `-}{5:...}`, `-XXX`: the end of a message.
    static func isMessageEnd(_ text: Bytes) -> Bool {
        let rest = text.dropFirst()
        return rest.isEmpty || rest.first == UInt8(ascii: "}") || rest.elementsEqual("XXX".utf8)
            || rest.allSatisfy { $0 == 0x20 }
    }

    /// `:61:rest` -> ("61", "rest"): two digits and an optional letter, or `NS`.
    static func tag(_ b: Bytes) -> (String, Bytes)? {
        let s = b.startIndex
        guard b.count >= 4, b[s] == UInt8(ascii: ":") else { return nil }
        let isDigit = { (c: UInt8) in c >= 0x30 && c <= 0x39 }
        let twoDigits = isDigit(b[s + 1]) && isDigit(b[s + 2])
        guard twoDigits || (b[s + 1] == UInt8(ascii: "N") && b[s + 2] == UInt8(ascii: "S")) else { return nil }
        var end = s + 3
        if b.count > 4 && b[s + 3] >= 0x41 && b[s + 3] <= 0x5A && twoDigits { end = s + 4 }
        guard end < b.endIndex, b[end] == UInt8(ascii: ":") else { return nil }
        return (String(decoding: b[(s + 1)..<end], as: UTF8.self), b[(end + 1)...])
    }

    /// A line without trailing blanks.
    static func trimmed(_ raw: Bytes) -> Bytes {
        var end = raw.endIndex
        while end > raw.startIndex, raw[end - 1] == 0x20 || raw[end - 1] == 0x09 || raw[end - 1] == 0x0D { end -= 1 }
        return raw[..<end]
    }

    static func isFraming(_ b: UInt8) -> Bool { b == 0x01 || b == 0x03 || b == 0x1A }

    /// Whether the line holds a framing byte: three `memchr`s, many times the speed of a loop.
    static func hasFraming(_ line: Bytes) -> Bool {
        guard let base = line.base.baseAddress?.advanced(by: line.startIndex) else { return false }
        return memchr(base, 0x01, line.count) != nil || memchr(base, 0x03, line.count) != nil
            || memchr(base, 0x1A, line.count) != nil
    }
}
