import ReconIngest
import ReconTestSupport
import Testing

@Suite struct GzipTests {
    static func inflate(_ compressed: [UInt8], _ chunking: Chunking = .whole) throws -> [UInt8] {
        try readAll(GzipByteSource(base: ChunkedByteSource(compressed, chunking)))
    }

    @Test(arguments: Chunking.allCases)
    func concatenatedMembersInflateToTheirConcatenation(chunking: Chunking) throws {
        let a = bytes("settlement_id,reference\n"), b = bytes("s1,r1\n"), c = Array(repeating: UInt8(ascii: "z"), count: 70_000)
        let joined = GzipFixture.member(a) + GzipFixture.member(b) + GzipFixture.member(c)
        #expect(try Self.inflate(joined, chunking) == a + b + c)
    }

    @Test func trailingZeroPaddingIsIgnored() throws {
        #expect(try Self.inflate(GzipFixture.member(bytes("x\n")) + [0, 0, 0, 0]) == bytes("x\n"))
    }

    @Test func truncatedStreamIsAnErrorWithTheByteOffset() throws {
        let full = GzipFixture.member(bytes(String(repeating: "row,1\n", count: 100)))
        let cut = Array(full[0..<(full.count - 20)])
        do {
            _ = try Self.inflate(cut)
            Issue.record("a truncated stream was accepted")
        } catch let error as IngestError {
            #expect(error.code == .truncatedGzip)
            #expect(error.byte == Int64(cut.count))
        }
    }

    @Test func corruptStreamIsAnError() throws {
        var damaged = GzipFixture.member(bytes("hello world, hello settlement\n"))
        damaged[damaged.count - 6] ^= 0xFF  // break the CRC
        #expect(throws: IngestError.self) { _ = try Self.inflate(damaged) }
        #expect(throws: IngestError.self) { _ = try Self.inflate(GzipFixture.member(bytes("a")) + bytes("junk")) }
    }

    @Test(arguments: [
        ("{\"a\":1}", ContentFormat.json), ("  [ {", .json), ("[]", .json), ("{}", .json),
        ("\u{FEFF}{\"x\"", .json), ("<?xml", .xml), ("{1:F01ABNA}{2:}", .csv), ("[Section]", .csv),
        ("a,b\n", .csv), ("", .csv),
    ])
    func sniffsTheContentFormat(head: String, format: ContentFormat) {
        #expect(InputOpener.sniffFormat(Array(head.utf8)) == format)
    }

    @Test func realFixturesInflateToTheirPlainCopies() throws {
        let dir = "../shared/fixtures/wechatpay/"
        for name in ["gunsluo_tradebill_ALL_2021-01-28.csv", "gunsluo_fundflowbill_BASIC_2021-02-01.csv"] {
            let plain = try readAll(FileByteSource(path: dir + name))
            let opened = try InputOpener.open(dir + name + ".gz")
            #expect(opened.container == .gzip)
            #expect(try readAll(opened.source) == plain)
        }
    }
}
