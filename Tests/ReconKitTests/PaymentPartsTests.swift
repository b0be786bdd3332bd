import PaymentModels
import ReconMatching
import ReconReports
import ReconTestSupport
import Testing

@testable import ReconKit

/// A JSON Lines payments file cut into parts and read by two threads must give exactly what
/// one reader over the whole file gives: the same payments in the same order, with the same
/// byte, line and record positions, the same rejects and the same per-file counts.
@Suite struct PaymentPartsTests {
    /// Every line shape a real file may hold, so cuts fall next to each of them.
    static func file(lines count: Int) -> [UInt8] {
        var text: [UInt8] = [0xEF, 0xBB, 0xBF]  // a BOM, which only the first part may skip
        for i in 0..<count {
            let line: String
            switch i % 11 {
            case 3: line = ""  // blank
            case 5: line = #"{"transactionId":"broken-\#(i)","amount":"#  // malformed
            case 7: line = #"{"hello":"not a payment"}"#
            case 9:  // an envelope: two records on one line
                line = #"{"data":[{"reference":"env-\#(i)a","amount":100,"asset":"USD/2","status":"SUCCEEDED"},"#
                    + #"{"reference":"env-\#(i)b","amount":5,"asset":"JPY/0","status":"FAILED"}]}"#
            default:
                line = FilePropertyTests.createdLine(
                    i, key: "K-\(i)", minor: Int64(100 + i), currency: ("EUR", 2), status: "succeeded")
            }
            text += Array(line.utf8) + (i % 4 == 0 ? [0x0D, 0x0A] : [0x0A])  // CRLF on some lines
        }
        return text
    }

    struct Read: Equatable {
        var payments: [String] = []
        var rejects: [String] = []
        var summaries: [String] = []
    }

    /// Payments and rejects as text with every position field, for comparing whole reads.
    static func describe(_ payments: PaymentTable, _ rejects: [Reject], _ summaries: [InputSummary]) -> Read {
        var read = Read()
        for p in payments {
            let at = p.provenance.position
            read.payments.append(
                "\(p.keys.map(\.value)) \(p.amount) \(p.provenance) byte \(at.byte) record \(at.record)")
        }
        for r in rejects {
            let at = r.source.position
            read.rejects.append("\(r.source) byte \(at.byte) record \(at.record) \(r.field) \(r.reason)")
        }
        read.summaries = summaries.map { "\($0.path) \($0.format) \($0.provider) \($0.records) \($0.rejected)" }
        return read
    }

    /// `helperFirst`: the helper takes every part it may before the main thread starts, the
    /// most renumbering possible; otherwise the main thread reads everything.
    static func read(_ path: String, partBytes: Int, helperFirst: Bool) throws -> Read {
        let parts = try PaymentParts(paths: [path], forced: nil, partBytes: partBytes)
        let builder = KeyIndexBuilder()
        if helperFirst { parts.helpFromBack() }
        let front = try parts.readFront(into: builder)
        let (helped, summaries) = try parts.finish(into: builder)
        return describe(builder.finish().payments, front + helped, summaries)
    }

    @Test(arguments: [97, 256, 1000, 4096])
    func splitReadsEqualOneReader(partBytes: Int) throws {
        let directory = makeTemporaryDirectory()
        let path = directory + "/payments.jsonl"
        writeFile(path, Self.file(lines: 400))
        let whole = try Self.read(path, partBytes: Int.max / 4, helperFirst: false)
        #expect(whole.payments.count > 250)
        #expect(whole.rejects.count == 36 + 36)  // malformed + not a payment
        let parts = try PaymentParts(paths: [path], forced: nil, partBytes: partBytes)
        #expect(parts.parts.count > 4)
        for helperFirst in [false, true] {
            let split = try Self.read(path, partBytes: partBytes, helperFirst: helperFirst)
            #expect(split.payments == whole.payments)
            #expect(split.rejects == whole.rejects)
            #expect(split.summaries == whole.summaries)
        }
    }

    @Test func onlyPlainJSONLinesFilesAreCut() throws {
        let directory = makeTemporaryDirectory()
        let array = directory + "/payments.json"
        let record = #"{"reference":"R","amount":100,"asset":"USD/2","status":"SUCCEEDED"}"#
        writeFile(array, "[\n" + Array(repeating: record, count: 200).joined(separator: ",\n") + "\n]\n")
        #expect(try PaymentParts(paths: [array], forced: nil, partBytes: 256).parts.count == 1)
        let small = directory + "/small.jsonl"
        writeFile(small, record + "\n" + record + "\n")
        #expect(try PaymentParts(paths: [small], forced: nil, partBytes: 256).parts.count == 1)
    }
}
