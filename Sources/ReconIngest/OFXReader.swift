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

    private let window: ByteWindow
    /// The `KEY:VALUE` lines before `<OFX>` (1.x), or the `<?OFX ...?>` attributes (2.x).
    public private(set) var header: [String: String] = [:]
    private var started = false
    private var skipEnd: String?
    /// The line of the event `next()` returned last.
    public private(set) var line: Int64 = 1
    private var linesBefore: Int64 = 1

    public init(source: any ByteSource) {
        window = ByteWindow(source: source)
    }

    public var name: String { window.name }

    public func next() throws(IngestError) -> Event? {
        while true {
            if !started {
                let prolog = try take(until: UInt8(ascii: "<"), limit: Self.textBytesMax)
                readHeader(prolog)
                started = true
            }
            guard let first = try window.peek() else { return nil }
            guard first == UInt8(ascii: "<") else {
                _ = try take(until: UInt8(ascii: "<"), limit: Self.textBytesMax)  // stray text between aggregates
                continue
            }
            window.skip()
            line = linesBefore
            let tag = try take(until: UInt8(ascii: ">"), limit: Self.tagBytesMax)
            guard try window.peek() != nil else {
                throw IngestError(.malformedXML, "the file ends inside a tag '<\(text(tag))'", file: name, line: line)
            }
            window.skip()  // the '>'
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

    /// The bytes up to (not including) `stop` or the end, counting lines.
    private func take(until stop: UInt8, limit: Int) throws(IngestError) -> ArraySlice<UInt8> {
        // a copy: the window's bytes last only until it is read again
        let out = ArraySlice(
            try window.take(until: stop, limit: limit) {
                IngestError(
                    .limitExceeded, "more than \(limit) bytes without a '\(Character(UnicodeScalar(stop)))': not OFX",
                    file: name, line: linesBefore)
            })
        linesBefore += Int64(out.lazy.filter { $0 == 0x0A }.count)
        return out
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
