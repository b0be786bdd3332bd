/// The fields of SWIFT MT messages (MT940 statements, MT942 reports) as banks write them:
/// inside `{1:}{2:}{3:}{4:` ... `-}` envelopes or bare; after preamble lines (`ABNANL2A`,
/// `940`, `:940:`, `0000 01INGBNL2AXXXX00001`); ending with `-`, `-}`, `-XXX`, or no end at all;
/// with SOH/ETX framing and Ctrl-Z bytes; with CRLF and LF mixed. A field is its tag (`61`,
/// `86`, `60F`) and its lines (continuation lines joined with `\n`). Knows no statements.
public final class SwiftMTReader {
    public struct Field: Sendable {
        public var tag: String
        public var lines: [String]
        /// The line the tag is on.
        public var line: Int64
    }

    public enum Item: Sendable {
        case field(Field)
        /// `-` or `-}`: the message (statement) ends here.
        case messageEnd(line: Int64)
    }

    private let lines: LineReader
    private var pending: Field?
    private var queue: [Item] = []
    private var done = false

    public init(source: any ByteSource) {
        lines = LineReader(source: source)
    }

    public var name: String { lines.name }

    public func next() throws(IngestError) -> Item? {
        while queue.isEmpty && !done {
            guard let raw = try lines.next() else {
                flush()
                done = true
                break
            }
            take(Self.clean(raw), line: lines.line)
        }
        return queue.isEmpty ? nil : queue.removeFirst()
    }

    private func flush() {
        if let field = pending { queue.append(.field(field)) }
        pending = nil
    }

    private func take(_ text: String, line: Int64) {
        var text = text
        if text.hasPrefix("{") {
            // `{1:F01...}{2:O940...}{4:` then maybe the first field; `{5:...}` trailers ignored
            let bytes = Array(text.utf8)
            guard let block = bytes.indices.first(where: { bytes[$0...].starts(with: "{4:".utf8) }) else { return }
            text = String(decoding: bytes[(block + 3)...], as: UTF8.self)
            if text.isEmpty { return }
        }
        if text.hasPrefix("-") && Self.isMessageEnd(text) {
            flush()
            queue.append(.messageEnd(line: line))
            return
        }
        if let (tag, rest) = Self.tag(text) {
            flush()
            pending = Field(tag: tag, lines: [rest], line: line)
            return
        }
        if text.allSatisfy({ $0 == " " }) { return }
        // a continuation line, or a preamble line before the first field
        pending?.lines.append(text)
    }

    /// `-`, `-}`, `-}{5:...}`, `-XXX`: the end of a message.
    static func isMessageEnd(_ text: String) -> Bool {
        let rest = text.dropFirst()
        return rest.isEmpty || rest.hasPrefix("}") || rest == "XXX" || rest.allSatisfy { $0 == " " }
    }

    /// `:61:rest` -> ("61", "rest"): two digits and an optional letter, or `NS`.
    static func tag(_ text: String) -> (String, String)? {
        guard text.utf8.first == UInt8(ascii: ":") else { return nil }
        let bytes = Array(text.utf8.prefix(6))
        guard bytes.count >= 4 else { return nil }
        let isDigit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
        let isUpper = { (b: UInt8) in b >= 0x41 && b <= 0x5A }
        let twoDigits = isDigit(bytes[1]) && isDigit(bytes[2])
        guard twoDigits || (bytes[1] == UInt8(ascii: "N") && bytes[2] == UInt8(ascii: "S")) else { return nil }
        var end = 3
        if bytes.count > 4 && isUpper(bytes[3]) && twoDigits { end = 4 }
        guard end < bytes.count, bytes[end] == UInt8(ascii: ":") else { return nil }
        let tag = String(decoding: bytes[1..<end], as: UTF8.self)
        return (tag, String(text.utf8.dropFirst(end + 1))!)
    }

    /// A line without SOH, ETX, Ctrl-Z and trailing blanks.
    static func clean(_ raw: ArraySlice<UInt8>) -> String {
        var end = raw.endIndex
        while end > raw.startIndex, raw[end - 1] == 0x20 || raw[end - 1] == 0x09 || raw[end - 1] == 0x0D { end -= 1 }
        let line = raw[..<end]
        // most lines hold no framing byte: no copy for them
        guard line.contains(where: { $0 == 0x01 || $0 == 0x03 || $0 == 0x1A }) else {
            return String(decoding: line, as: UTF8.self)
        }
        return String(decoding: line.filter { $0 != 0x01 && $0 != 0x03 && $0 != 0x1A }, as: UTF8.self)
    }
}
