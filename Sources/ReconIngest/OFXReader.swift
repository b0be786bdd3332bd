/// The elements of an OFX file as banks write them: OFX 1.x SGML (a `KEY:VALUE` header block,
/// leaf elements without end tags, the whole body on one line or indented with tabs and
/// spaces) or OFX 2.x XML (`<?xml?>` and `<?OFX?>` instructions, every element closed). A leaf
/// is an element with text (`<TRNAMT>-1.55`), given with its value; an aggregate is a start and
/// an end. Streams the bytes; knows no statements.
public final class OFXReader {
    public enum Event: Equatable, Sendable {
        case start(String)
        case end(String)
        case value(String, String)
    }

    /// A tag name or a leaf's text longer than this is not OFX.
    public static let tagBytesMax = 256
    public static let textBytesMax = 1 << 20

    private let source: any ByteSource
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    /// The `KEY:VALUE` lines before `<OFX>` (1.x), or the `<?OFX ...?>` attributes (2.x).
    public private(set) var header: [String: String] = [:]
    private var started = false
    private var skipEnd: String?
    /// The line of the event `next()` returned last.
    public private(set) var line: Int64 = 1
    private var linesBefore: Int64 = 1

    public init(source: any ByteSource) {
        self.source = source
    }

    public var name: String { source.name }

    public func next() throws(IngestError) -> Event? {
        while true {
            if !started {
                let prolog = try take(until: UInt8(ascii: "<"), limit: Self.textBytesMax)
                readHeader(prolog)
                started = true
            }
            guard try ensure(1) else { return nil }
            guard buffer[position] == UInt8(ascii: "<") else {
                _ = try take(until: UInt8(ascii: "<"), limit: Self.textBytesMax)  // stray text between aggregates
                continue
            }
            position += 1
            line = linesBefore
            let tag = try take(until: UInt8(ascii: ">"), limit: Self.tagBytesMax)
            guard try ensure(1) else {
                throw IngestError(.malformedXML, "the file ends inside a tag '<\(text(tag))'", file: name, line: line)
            }
            position += 1  // the '>'
            if tag.first == UInt8(ascii: "?") {
                if text(tag).hasPrefix("?OFX") { readHeader(tag) }
                continue
            }
            if tag.first == UInt8(ascii: "!") { continue }
            if tag.first == UInt8(ascii: "/") {
                let name = text(tag.dropFirst()).trimmed
                if skipEnd == name {
                    skipEnd = nil
                    continue
                }
                skipEnd = nil
                return .end(name)
            }
            skipEnd = nil
            let name = text(tag).trimmed
            guard !name.isEmpty, name.utf8.allSatisfy({ Self.isNameByte($0) }) else {
                throw IngestError(.malformedXML, "'<\(text(tag))>' is not an OFX tag", file: name, line: line)
            }
            let value = text(try take(until: UInt8(ascii: "<"), limit: Self.textBytesMax)).trimmed
            if value.isEmpty { return .start(name) }
            skipEnd = name  // XML writes `</TRNAMT>` after the value
            return .value(name, Self.unescape(value))
        }
    }

    static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2E || b == 0x5F
            || b == 0x2D
    }

    private func readHeader(_ bytes: ArraySlice<UInt8>) {
        let text = text(bytes)
        // `KEY:VALUE` lines (1.x) or `KEY="VALUE"` attributes (2.x)
        for part in text.split(whereSeparator: { $0.isNewline || $0 == " " }) {
            let pair = part.split(separator: part.contains(":") ? ":" : "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            header[String(pair[0]).uppercased()] = String(pair[1]).trimmed.replacingQuotes
        }
    }

    private func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// `&amp;` `&lt;` `&gt;` in values.
    static func unescape(_ value: String) -> String {
        guard value.contains("&") else { return value }
        var out = value
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&amp;", "&")] {
            out = out.replacing(entity, with: character)
        }
        return out
    }

    /// Whether `count` bytes are buffered from `position`, reading more as needed.
    private func ensure(_ count: Int) throws(IngestError) -> Bool {
        while buffer.count - position < count {
            if atEnd { return false }
            try fill()
        }
        return true
    }

    /// The bytes up to (not including) `stop` or the end, counting lines.
    private func take(until stop: UInt8, limit: Int) throws(IngestError) -> ArraySlice<UInt8> {
        var scanned = position
        while true {
            if let found = buffer[scanned...].firstIndex(of: stop) {
                let out = buffer[position..<found]
                linesBefore += Int64(out.lazy.filter { $0 == 0x0A }.count)
                position = found
                return out
            }
            scanned = buffer.count
            guard buffer.count - position <= limit else {
                throw IngestError(
                    .limitExceeded, "more than \(limit) bytes without a '\(Character(UnicodeScalar(stop)))': not OFX",
                    file: name, line: linesBefore)
            }
            if atEnd {
                let out = buffer[position...]
                position = buffer.count
                return out
            }
            let offset = position
            try fill()
            scanned -= offset - position
        }
    }

    private func fill() throws(IngestError) {
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
        defer { chunk.deallocate() }
        let n = try source.read(into: chunk)
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[..<n]))
        if n == 0 { atEnd = true }
    }
}

extension String {
    fileprivate var trimmed: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }

    fileprivate var replacingQuotes: String { String(filter { $0 != "\"" && $0 != "?" }) }
}
