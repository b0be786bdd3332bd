import ReconIngest
import ReconTestSupport
import Testing

/// Which encoding a file is read in, and what happens to bytes that are not text in it.
@Suite struct TextEncodingTests {
    static let header = bytes("reference,amount,currency,date\n")

    /// One stray byte in a UTF-8 file keeps the file UTF-8 (`café-1` still matches); the row
    /// holding the byte is rejected, naming the column and the byte.
    @Test func aStrayByteInUTF8RejectsItsRowNotTheFile() throws {
        let text = Self.header + bytes("café-1,10.00,EUR,2024-01-02\n") + bytes("bad") + [0xFF]
            + bytes(",5.00,EUR,2024-01-02\n")
        #expect(TextEncoding.detect(text) == .utf8)
        let reader = try CSVReader(source: MemoryByteSource(text))
        _ = try reader.next()  // the header
        let good = try #require(try reader.next())
        #expect(good.invalidUTF8 == nil && good.string(0) == "café-1")
        let bad = try #require(try reader.next())
        let invalid = try #require(bad.invalidUTF8)
        #expect(invalid.field == 0 && invalid.offset == 3 && invalid.bytes == [0xFF])
    }

    /// Windows-1252 `Müller` (0xFC then `l`) is not GB18030, though GB18030 would decode it.
    @Test func latinTextIsNotTakenForChinese() {
        let text = Self.header + bytes("M") + [0xFC] + bytes("ller-1,10.00,EUR,2024-01-02\n")
        #expect(TextEncoding.detect(text) == .windows1252)
        // 支付宝 in GBK: every byte of a pair at 0x80 and above
        let gbk = Self.header + [0xD6, 0xA7, 0xB8, 0xB6, 0xB1, 0xA6] + bytes(",10.00,CNY,2024-01-02\n")
        #expect(TextEncoding.detect(gbk) == .gb18030)
    }

    /// A sequence cut between two fields, overlong forms and surrogates are all invalid.
    @Test(arguments: [
        ([0xC3], 0), ([0x61, 0xC0, 0x80], 1), ([0xE0, 0x80, 0x80], 0), ([0xED, 0xA0, 0x80], 0),
        ([0xF4, 0x90, 0x80, 0x80], 0), ([0x61, 0xE2, 0x82], 1),
    ] as [([UInt8], Int)])
    func invalidSequencesAreFound(bytes: [UInt8], offset: Int) {
        #expect(bytes.withUnsafeBytes { TextEncoding.firstInvalidUTF8($0) } == offset)
    }

    /// The 64 KiB sample may end inside a character: still UTF-8.
    @Test func aSampleCutInsideACharacterIsStillUTF8() {
        #expect(TextEncoding.detect(Self.header + bytes("caf") + [0xC3]) == .utf8)
        #expect(TextEncoding.detect(Self.header + bytes("x") + [0xE2, 0x82]) == .utf8)
        #expect(TextEncoding.detect(Self.header + bytes("caf") + [0xE9] + bytes("\n")) == .windows1252)
    }

    @Test func validSequencesPass() {
        let text = Array("café 支付宝 €5 😀".utf8)
        #expect(text.withUnsafeBytes { TextEncoding.firstInvalidUTF8($0) } == nil)
    }
}
