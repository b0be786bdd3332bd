/// How an input's bytes are wrapped.
public enum Container: String, Sendable {
    case plain, gzip, zip
}

/// The text format of an input's (decompressed) content.
public enum ContentFormat: String, Sendable, CaseIterable {
    case csv, json, xml
    /// SWIFT MT940/MT942 statements (`SwiftMTReader`).
    case mt940
    /// BAI2 cash management files (`BAI2RecordReader`).
    case bai2
    /// Spanish AEB/CSB Norma 43 statements (fixed-width lines).
    case norma43
    /// OFX/QFX statements, SGML (1.x) or XML (2.x) (`OFXReader`).
    case ofx
}

/// An opened input: its bytes (decompressed when needed) and what was sniffed.
public struct OpenedInput {
    public let source: any ByteSource
    public let container: Container
    /// The format guessed from the first bytes of the content.
    public let format: ContentFormat
    /// The first bytes of the content (after decompression and conversion to UTF-8).
    public let head: [UInt8]
    /// The encoding the file was written in; `source` always yields UTF-8.
    public let encoding: TextEncoding
    /// The encoding was guessed (no BOM, not UTF-8, none given): `inspect` says so.
    public var encodingGuessed = false

    public init(
        source: any ByteSource, container: Container, format: ContentFormat, head: [UInt8],
        encoding: TextEncoding = .utf8
    ) {
        self.source = source
        self.container = container
        self.format = format
        self.head = head
        self.encoding = encoding
    }
}

/// Opens paths the way every command does: `-` is stdin, gzip is detected by its magic bytes
/// whatever the name, and the content format is sniffed from its first non-blank byte.
public enum InputOpener {
    static let sniffBytes = 64 << 10

    /// `meter`: counts the file's bytes as they are read (the progress line).
    public static func open(
        _ path: String, encoding: TextEncoding? = nil, meter: ReadMeter? = nil
    ) throws(IngestError) -> OpenedInput {
        let file = try FileByteSource(path: path)
        if path != "-", try isZip(path) {
            // a zip is read through its central directory: its one data file, inflated
            let archive = try ZipArchive(path: path)
            let entry = try archive.dataEntry()
            let content = ReadAheadByteSource(base: try archive.open(entry))
            let (head, source) = try peek(content)
            if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
                throw IngestError(
                    .malformedZip,
                    "the entry \(entry.name) is itself a zip; recon opens one level: unzip the outer zip "
                        + "and give recon the inner one", file: path)
            }
            let opened = try open(source: source, encoding: encoding)
            var zipped = OpenedInput(
                source: opened.source, container: .zip, format: opened.format, head: opened.head,
                encoding: opened.encoding)
            zipped.encodingGuessed = opened.encodingGuessed
            return zipped
        }
        meter?.expect(path: path)
        return try open(source: file.metered(meter), encoding: encoding)
    }

    static func isZip(_ path: String) throws(IngestError) -> Bool {
        let file = try FileRangeByteSource(path: path, range: 0..<4)
        return try file.bytes(at: 0, count: 4) == [0x50, 0x4B, 0x03, 0x04]
    }

    /// Sniffs any source (tests, stdin wrappers) the same way.
    /// `encoding` (`--encoding`, a profile's `encoding:`) overrides detection, not a byte order mark.
    public static func open(source: any ByteSource, encoding forced: TextEncoding? = nil) throws(IngestError)
        -> OpenedInput
    {
        let (firstBytes, raw) = try peek(source)
        let container: Container = firstBytes.starts(with: [0x1F, 0x8B]) ? .gzip : .plain
        var content: any ByteSource = raw
        // inflating runs a few blocks ahead on its own thread, overlapping with parsing
        if container == .gzip { content = ReadAheadByteSource(base: try GzipByteSource(base: raw)) }
        var (head, source) = container == .gzip ? try peek(content) : (firstBytes, raw)
        // a byte order mark says what the file is, whatever was given
        let marked = TextEncoding.byteOrderMark(head)
        let encoding = marked ?? forced ?? TextEncoding.detect(head)
        if encoding != .utf8 && encoding != .utf8BOM {
            (head, source) = try peek(try TranscodingByteSource(base: source, encoding: encoding))
        }
        var opened = OpenedInput(
            source: source, container: container, format: sniffFormat(head), head: head, encoding: encoding)
        opened.encodingGuessed = marked == nil && forced == nil && [.gb18030, .windows1252, .cp852].contains(encoding)
        return opened
    }

    /// Reads up to `sniffBytes` and gives back a source that replays them.
    static func peek(_ source: any ByteSource) throws(IngestError) -> ([UInt8], any ByteSource) {
        var head: [UInt8] = []
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: sniffBytes, alignment: 1)
        defer { chunk.deallocate() }
        var pending: IngestError?
        while head.count < sniffBytes {
            let n: Int
            do {
                n = try source.read(
                    into: UnsafeMutableRawBufferPointer(rebasing: chunk[0..<(sniffBytes - head.count)]))
            } catch where error.code != .io {
                pending = error  // damaged data: raise it after the bytes before it are read
                break
            }
            if n == 0 { break }
            head.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
        }
        return (head, PrefixedByteSource(prefix: head, base: source, pendingError: pending))
    }

    /// `{"` or `[` and a value first means JSON, `<` means XML, anything else is text.
    ///
    /// The byte after the bracket is checked too: SWIFT MT940 files open with `{1:` blocks,
    /// which are not JSON.
    public static func sniffFormat(_ head: [UInt8]) -> ContentFormat {
        if looksLikeOFX(head) { return .ofx }
        if looksLikeMT940(head) { return .mt940 }
        if looksLikeBAI2(head) { return .bai2 }
        if looksLikeNorma43(head) { return .norma43 }
        var i = head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        func skipBlanks() {
            while i < head.count, head[i] == 0x20 || head[i] == 0x0A || head[i] == 0x0D || head[i] == 0x09 {
                i += 1
            }
        }
        skipBlanks()
        guard i < head.count else { return .csv }
        let first = head[i]
        if first == UInt8(ascii: "<") { return .xml }
        guard first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { return .csv }
        i += 1
        skipBlanks()
        guard i < head.count else { return .json }
        let next = head[i]
        if first == UInt8(ascii: "{") {
            return next == UInt8(ascii: "\"") || next == UInt8(ascii: "}") ? .json : .csv
        }
        let valueStarts = Array("{[\"-0123456789tfn]".utf8)
        return valueStarts.contains(next) ? .json : .csv
    }

    /// An MT940/MT942 statement: among the first lines, one starting `:20:` (the statement's
    /// reference), one `:25:` (the account) and one `:28C:`, `:28:`, `:60F:`, `:60M:` or `:61:`.
    static func looksLikeMT940(_ head: [UInt8]) -> Bool {
        var seen = (reference: false, account: false, statement: false)
        for line in head.split(separator: 0x0A, maxSplits: 60).prefix(60) {
            let text = line.drop { $0 == 0x01 || $0 == 0x20 }
            if text.starts(with: ":20:".utf8) { seen.reference = true }
            if text.starts(with: ":25:".utf8) { seen.account = true }
            for tag in [":28C:", ":28:", ":60F:", ":60M:", ":61:"] where text.starts(with: tag.utf8) {
                seen.statement = true
            }
        }
        return seen.reference && seen.account && seen.statement
    }

    /// A BAI2 file: its first record a file header `01,` and a group header `02,` after it.
    static func looksLikeBAI2(_ head: [UInt8]) -> Bool {
        let text = head.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D }
        guard text.starts(with: "01,".utf8) else { return false }
        return String(decoding: text.prefix(4096), as: UTF8.self).contains("02,")
    }

    /// A Norma 43 statement: a first line `11` followed by at least 45 digits (bank, branch,
    /// account, dates, sign, opening balance), then a `22` or `33` line.
    static func looksLikeNorma43(_ head: [UInt8]) -> Bool {
        let lines = head.split(separator: 0x0A, maxSplits: 3)
        guard lines.count >= 2, let first = lines.first, first.starts(with: "11".utf8), first.count >= 47,
            first.prefix(47).allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else { return false }
        return lines[1].starts(with: "22".utf8) || lines[1].starts(with: "33".utf8)
    }

    /// OFX: an `OFXHEADER:` line first (1.x), or an `<?OFX` instruction or `<OFX>` element near the
    /// start (2.x, or 1.x without its header).
    static func looksLikeOFX(_ head: [UInt8]) -> Bool {
        let start = String(decoding: head.prefix(4096), as: UTF8.self)
        let trimmed = start.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\u{FEFF}" }
        return trimmed.hasPrefix("OFXHEADER:") || start.contains("<?OFX ") || trimmed.hasPrefix("<OFX>")
    }
}
