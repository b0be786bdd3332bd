import ReconIngest
import ReconTestSupport
import Testing

/// Zip files built by hand (stored entries) so each case is exact.
enum ZipFixture {
    static func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    static func le32(_ v: UInt32) -> [UInt8] { GzipFixture.le32(v) }

    static func zip(_ entries: [(name: String, data: [UInt8], crc: UInt32?)], flags: Int = 0x0800) -> [UInt8] {
        var out: [UInt8] = []
        var directory: [UInt8] = []
        for e in entries {
            let name = Array(e.name.utf8)
            let crc = e.crc ?? GzipFixture.crc32(e.data)
            let offset = out.count
            let common = le16(20) + le16(flags) + le16(0) + le16(0) + le16(0) + le32(crc)
                + le32(UInt32(e.data.count)) + le32(UInt32(e.data.count)) + le16(name.count) + le16(0)
            out += le32(0x0403_4B50) + common + name + e.data
            directory += le32(0x0201_4B50) + le16(20) + common + le16(0) + le16(0) + le16(0) + le32(0)
                + le32(UInt32(offset)) + name
        }
        let directoryOffset = out.count
        out += directory
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(entries.count) + le16(entries.count)
            + le32(UInt32(directory.count)) + le32(UInt32(directoryOffset)) + le16(0)
        return out
    }
}

@Suite struct ZipTests {
    static func open(_ bytes: [UInt8]) throws -> (OpenedInput, [UInt8]) {
        let path = makeTemporaryDirectory() + "/bill.csv.zip"
        writeFile(path, bytes)
        let input = try InputOpener.open(path)
        return (input, try readAll(input.source))
    }

    @Test func theDataEntryIsReadAndTheSummaryLeftAside() throws {
        let detail = bytes("a,b\n1,2\n"), summary = bytes("total\n1\n")
        let (input, content) = try Self.open(
            ZipFixture.zip([("bill_业务明细(汇总).csv", summary, nil), ("bill_业务明细.csv", detail, nil)]))
        #expect(input.container == .zip && input.format == .csv)
        #expect(content == detail)
    }

    @Test func aDamagedEntryFailsItsChecksum() throws {
        do {
            _ = try Self.open(ZipFixture.zip([("bill.csv", bytes("a,b\n1,2\n"), 0x1234_5678)]))
            Issue.record("a wrong CRC was accepted")
        } catch let error as IngestError {
            #expect(error.code == .malformedZip && error.message.contains("checksum"))
        }
    }

    @Test func severalDataFilesAreNamedNotGuessed() throws {
        do {
            _ = try Self.open(ZipFixture.zip([("a.csv", bytes("x\n"), nil), ("b.csv", bytes("y\n"), nil)]))
            Issue.record("a zip of two data files was read")
        } catch let error as IngestError {
            #expect(error.message.contains("a.csv, b.csv"))
        }
    }

    @Test func aCutZipSaysSo() throws {
        let whole = ZipFixture.zip([("a.csv", bytes("x,y\n"), nil)])
        #expect(throws: IngestError.self) { _ = try Self.open(Array(whole[0..<(whole.count - 10)])) }
    }

    @Test func anEncryptedEntryIsNamedAsSuch() throws {
        do {
            _ = try Self.open(ZipFixture.zip([("bill.csv", bytes("a,b\n1,2\n"), nil)], flags: 0x0801))
            Issue.record("an encrypted entry was read")
        } catch let error as IngestError {
            #expect(error.code == .malformedZip)
            #expect(error.message.contains("bill.csv is encrypted (password-protected)"))
        }
    }

    @Test func aZipInsideAZipIsNamedAsSuch() throws {
        let inner = ZipFixture.zip([("bill.csv", bytes("a,b\n1,2\n"), nil)])
        do {
            _ = try Self.open(ZipFixture.zip([("bill.zip", inner, nil)]))
            Issue.record("a nested zip was read as text")
        } catch let error as IngestError {
            #expect(error.code == .malformedZip)
            #expect(error.message.contains("bill.zip is itself a zip"))
        }
    }
}
