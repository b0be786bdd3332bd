#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text encodings recon reads. Everything is turned into UTF-8 before a reader sees it.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case utf8BOM = "utf-8-bom"
    case utf16LE = "utf-16le"
    case utf16BE = "utf-16be"
    /// GB18030, the superset of GBK and GB2312: Chinese Windows "ANSI" (Alipay's bills).
    case gb18030 = "gb18030"
    /// Windows-1252, a superset of ISO-8859-1 for text (older European bank files).
    case windows1252 = "windows-1252"
    /// IBM 852, the DOS code page of Central Europe (Hungarian and Polish bank files).
    case cp852 = "cp852"

    /// The name iconv knows it by.
    var iconvName: String {
        switch self {
        case .utf8, .utf8BOM: "UTF-8"
        case .utf16LE: "UTF-16LE"
        case .utf16BE: "UTF-16BE"
        case .gb18030: "GB18030"
        case .windows1252: "WINDOWS-1252"
        case .cp852: "CP852"
        }
    }

    /// Byte order marks first; then valid UTF-8; then GB18030 if the bytes decode as that
    /// (GBK text is almost never valid UTF-8, and Latin text with accents rarely decodes as
    /// GB18030 pairs throughout); then Windows-1252 if the bytes decode as that; otherwise IBM
    /// 852, which decodes every byte (a Central European DOS file uses bytes Windows-1252 leaves
    /// undefined, such as 0x81 for ü).
    public static func detect(_ head: [UInt8]) -> TextEncoding {
        if let marked = byteOrderMark(head) { return marked }
        if isValidUTF8(head, allowCutEnd: true) || mostlyUTF8(head) { return .utf8 }
        if looksLikeGB18030(head) && decodes(head, as: .gb18030) { return .gb18030 }
        return decodes(head, as: .windows1252) ? .windows1252 : .cp852
    }

    /// The encoding a byte order mark at the start says, which nothing overrides.
    public static func byteOrderMark(_ head: [UInt8]) -> TextEncoding? {
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { return .utf8BOM }
        if head.starts(with: [0xFF, 0xFE]) { return .utf16LE }
        if head.starts(with: [0xFE, 0xFF]) { return .utf16BE }
        return nil
    }

    /// An encoding by any of its usual names, in any case (`--encoding`, a profile's
    /// `encoding:`): utf-8, utf-16le, utf-16be, gb18030 (gbk, gb2312, cp936), windows-1252
    /// (cp1252, iso-8859-1, latin1: ISO-8859-1's text characters are Windows-1252's).
    public init?(name: String) {
        switch String(name.lowercased().map { $0 == "_" ? "-" : $0 }) {
        case "utf-8", "utf8": self = .utf8
        case "utf-8-bom": self = .utf8BOM
        case "utf-16le", "utf16le": self = .utf16LE
        case "utf-16be", "utf16be": self = .utf16BE
        case "gb18030", "gbk", "gb2312", "cp936": self = .gb18030
        case "windows-1252", "cp1252", "iso-8859-1", "latin1", "latin-1": self = .windows1252
        case "cp852", "ibm852": self = .cp852
        default: return nil
        }
    }

    /// The names `init(name:)` takes, for messages.
    public static let names = "utf-8, utf-16le, utf-16be, gb18030 (gbk), windows-1252 (iso-8859-1), cp852"

    /// UTF-8 with stray bytes: at least as many valid multi-byte sequences as invalid bytes. A
    /// Windows-1252 file almost never holds a valid UTF-8 sequence (that takes pairs like `Ã©`),
    /// so one stray byte in a UTF-8 file no longer turns `café` into `cafÃ©`; the rows holding
    /// the stray bytes are rejected instead (`CSVRow.invalidUTF8`).
    static func mostlyUTF8(_ head: [UInt8]) -> Bool {
        var (valid, invalid) = (0, 0)
        head.withUnsafeBytes { bytes in
            var rest = UnsafeRawBufferPointer(rebasing: bytes[...])
            while let offset = firstInvalidUTF8(rest) {
                invalid += 1
                valid += multiByteSequences(UnsafeRawBufferPointer(rebasing: rest[..<offset]))
                rest = UnsafeRawBufferPointer(rebasing: rest[(offset + 1)...])
            }
            valid += multiByteSequences(rest)
        }
        return valid > 0 && valid >= invalid
    }

    /// The multi-byte sequences in valid UTF-8: its lead bytes.
    private static func multiByteSequences(_ bytes: UnsafeRawBufferPointer) -> Int {
        bytes.reduce(0) { $0 + ($1 >= 0xC2 ? 1 : 0) }
    }

    /// GBK text is pairs of bytes that are almost all at 0x80 and above (every GB2312
    /// character is); Latin text in Windows-1252 has a letter with accent next to a plain
    /// letter (`M\u{FC}ller`: 0xFC then `l`), which GB18030 would also decode, as one Chinese
    /// character. A fifth of pairs with a low second byte is allowed (GBK's extension rows).
    static func looksLikeGB18030(_ head: [UInt8]) -> Bool {
        var (high, low) = (0, 0)
        var i = 0
        while i + 1 < head.count {
            guard head[i] >= 0x81 else {
                i += 1
                continue
            }
            if head[i + 1] >= 0x80 { high += 1 } else if head[i + 1] >= 0x40 { low += 1 }
            i += head[i + 1] >= 0x30 && head[i + 1] <= 0x39 ? 4 : 2
        }
        return high > 0 && low * 4 <= high
    }

    static func isValidUTF8(_ bytes: [UInt8], allowCutEnd: Bool) -> Bool {
        guard let offset = bytes.withUnsafeBytes({ firstInvalidUTF8($0) }) else { return true }
        // a sample may end inside a sequence: a lead byte and continuation bytes up to the end
        let lead = bytes[offset]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        return allowCutEnd && (0xC2...0xF4).contains(lead) && bytes.count - offset < length
            && bytes[(offset + 1)...].allSatisfy { $0 & 0xC0 == 0x80 }
    }

    /// The offset of the first byte that does not begin a valid UTF-8 sequence (overlong forms,
    /// surrogates and values past U+10FFFF included), nil when all of `bytes` is UTF-8.
    public static func firstInvalidUTF8(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF  // the second byte's range
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: (length, low) = (3, 0xA0)
            case 0xED: (length, high) = (3, 0x9F)
            case 0xE1...0xEF: length = 3
            case 0xF0: (length, low) = (4, 0x90)
            case 0xF1...0xF3: length = 4
            case 0xF4: (length, high) = (4, 0x8F)
            default: return i
            }
            guard i + length <= n, bytes[i + 1] >= low, bytes[i + 1] <= high else { return i }
            for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }

    /// Whether `bytes` convert without an invalid sequence (a cut sequence at the end is fine).
    static func decodes(_ bytes: [UInt8], as encoding: TextEncoding) -> Bool {
        let cd = iconv_open("UTF-8", encoding.iconvName)
        guard cd != iconv_t(bitPattern: -1) else { return false }
        defer { iconv_close(cd) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: bytes.count * 4 + 16)
        return input.withUnsafeMutableBytes { inBuffer in
            output.withUnsafeMutableBytes { outBuffer in
                var inPointer = inBuffer.baseAddress?.assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outPointer = outBuffer.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outLeft = outBuffer.count
                let result = iconv(cd, &inPointer, &inLeft, &outPointer, &outLeft)
                return result != -1 || errno == EINVAL
            }
        }
    }
}

/// Converts a source's text to UTF-8 as it is read, through iconv. An invalid byte sequence
/// is an error naming its offset in the original bytes, never replaced silently.
public final class TranscodingByteSource: ByteSource {
    public var name: String { base.name }
    private let base: any ByteSource
    private let encoding: TextEncoding
    private let cd: iconv_t
    private let input: UnsafeMutableRawBufferPointer
    private var inputStart = 0
    private var inputEnd = 0
    private var baseDone = false
    /// Bytes of the original consumed before `input[inputStart]`.
    private var consumed: Int64 = 0
    private var skipBOM: Bool

    public init(base: any ByteSource, encoding: TextEncoding) throws(IngestError) {
        self.base = base
        self.encoding = encoding
        cd = iconv_open("UTF-8", encoding.iconvName)
        guard cd != iconv_t(bitPattern: -1) else {
            throw IngestError(.encoding, "this system's iconv cannot read \(encoding.rawValue)", file: base.name)
        }
        input = .allocate(byteCount: 64 << 10, alignment: 1)
        skipBOM = encoding == .utf16LE || encoding == .utf16BE
    }

    deinit {
        iconv_close(cd)
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        while true {
            if inputStart == inputEnd || (inputEnd - inputStart < 8 && !baseDone) { try refill() }
            if inputStart == inputEnd { return 0 }
            let (used, written, status) = convert(into: buffer)
            inputStart += used
            consumed += Int64(used)
            if status == EILSEQ || (status == EINVAL && baseDone && used == 0 && written == 0) {
                throw IngestError(
                    .encoding, "bytes that are not valid \(encoding.rawValue) text (give the file's encoding with "
                        + "--encoding or a profile's encoding:)", file: name, byte: consumed)
            }
            var produced = written
            if skipBOM && produced >= 3 {
                skipBOM = false
                let bytes = buffer.bindMemory(to: UInt8.self)
                if bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
                    memmove(buffer.baseAddress!, buffer.baseAddress! + 3, produced - 3)
                    produced -= 3
                }
            }
            if produced > 0 { return produced }
            if status == EINVAL && !baseDone { try refill() }
        }
    }

    private func convert(into buffer: UnsafeMutableRawBufferPointer) -> (Int, Int, Int32) {
        var inPointer: UnsafeMutablePointer<CChar>? = (input.baseAddress! + inputStart).assumingMemoryBound(
            to: CChar.self)
        var inLeft = inputEnd - inputStart
        var outPointer = buffer.baseAddress?.assumingMemoryBound(to: CChar.self)
        var outLeft = buffer.count
        let before = (inLeft, outLeft)
        let result = iconv(cd, &inPointer, &inLeft, &outPointer, &outLeft)
        return (before.0 - inLeft, before.1 - outLeft, result == -1 ? errno : 0)
    }

    private func refill() throws(IngestError) {
        if inputStart > 0 {
            let live = inputEnd - inputStart
            if live > 0 { memmove(input.baseAddress!, input.baseAddress! + inputStart, live) }
            inputEnd = live
            inputStart = 0
        }
        guard !baseDone, inputEnd < input.count else { return }
        let n = try base.read(into: UnsafeMutableRawBufferPointer(rebasing: input[inputEnd...]))
        if n == 0 { baseDone = true } else { inputEnd += n }
    }
}
