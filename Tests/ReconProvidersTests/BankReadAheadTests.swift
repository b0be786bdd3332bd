import Foundation
import PaymentModels
import ReconIngest
import ReconProviders
import Testing

/// MT940 and BAI2 are read on a thread of their own, batches of entries ahead of the caller
/// (`BankEntryReadAhead`): over many batches, records and rejects still come in the file's order
/// with their own lines and amounts, the control totals still tie, and a caller that stops
/// part-way (an error of its own) ends the read with that error, at once.
@Suite struct BankReadAheadTests {
    struct Stop: Error {}

    /// A BAI2 file of `details` details in one account, every 700th with a broken type code.
    static func bai2(details: Int) -> (text: String, broken: Set<Int64>, total: Int64) {
        var lines = [
            "01,BANK,CUST,240606,0600,1,,,2/", "02,CUST,BANK,1,240605,2400,USD,2/", "03,100200300,USD,010,0,,,/",
        ]
        var broken = Set<Int64>()
        var total: Int64 = 0
        for n in 0..<details {
            if n % 700 == 350 {
                broken.insert(Int64(lines.count + 1))
                lines.append("16,1x5,\(n),Z,BR\(n),CR\(n),BROKEN/")
            } else {
                let cents = Int64(n * 7 % 100_000 + 1)
                total += cents
                lines.append("16,\(n % 2 == 0 ? 195 : 475),\(cents),Z,BR\(n),CR\(n),ACH PAYMENT/")
                lines.append("88,EREF: E2E-\(n)")
            }
        }
        // each trailer counts the records of its level, itself and its header included; the
        // control total is the sum of the amounts read (the broken details are rejects)
        let count = lines.count
        lines.append("49,\(total),\(count - 1)/")
        lines.append("98,\(total),1,\(count + 1)/")
        lines.append("99,\(total),1,\(count + 3)/")
        return (lines.joined(separator: "\n") + "\n", broken, total)
    }

    static func read(_ text: String, name: String, stopAfter: Int = .max) throws -> (
        records: [SettlementRecord], rejects: [Reject], stats: SourceStats, order: [Int64]
    ) {
        let input = try InputOpener.open(source: MemoryByteSource(Array(text.utf8), name: name))
        var records: [SettlementRecord] = []
        var rejects: [Reject] = []
        var order: [Int64] = []  // the lines of records and rejects as they arrive
        let stats = try SettlementSourceReader.read(
            input, path: name,
            onRecord: {
                order.append($0.provenance.position.line)
                records.append($0)
                if records.count == stopAfter { throw Stop() }
            },
            onReject: {
                order.append($0.source.position.line)
                rejects.append($0)
            })
        return (records, rejects, stats, order)
    }

    /// A detail whose 88 continuations never end (a hostile or broken file) is not kept whole:
    /// past 10,000 lines it is a reject with its line, and the details after it are read.
    @Test func aDetailWithEndlessContinuationsIsRejectedInBoundedMemory() throws {
        var lines = [
            "01,BANK,CUST,240606,0600,1,,,2/", "02,CUST,BANK,1,240605,2400,USD,2/", "03,100200300,USD,010,0,,,/",
        ]
        lines.append("16,195,100,Z,BR1,CR1,ACH PAYMENT/")
        lines += Array(repeating: "88,MORE TEXT", count: 10_050)
        lines.append("16,475,250,Z,BR2,CR2,CHECK PAID/")  // a debit
        let (records, rejects, _, _) = try Self.read(lines.joined(separator: "\n") + "\n", name: "endless.bai2")
        #expect(records.map(\.key) == ["CR2"])
        #expect(records.first?.gross == Money(minorUnits: -250, currency: Currency(code: "USD")!))
        #expect(records.first?.kind == .payment && records.first?.settlementId == "BR2")
        #expect(rejects.count == 1 && rejects.first?.source.position.line == 4)
        #expect(rejects.first?.reason.contains("10000 lines") == true)
    }

    @Test func bai2OverManyBatchesKeepsTheFilesOrder() throws {
        let (text, broken, total) = Self.bai2(details: 5000)
        let (records, rejects, stats, order) = try Self.read(text, name: "many.bai2")
        #expect(records.count == 5000 - broken.count)
        #expect(Set(rejects.map(\.source.position.line)) == broken)
        // records and rejects arrive interleaved in the file's order
        #expect(order == order.sorted() && order.count == 5000)
        #expect(records.first?.key == "E2E-0" && records.last?.key == "E2E-4999")
        #expect(records.reduce(Int64(0)) { $0 + $1.gross.minorUnits.magnitude.asInt64 } == total)
        #expect(records[1].gross.minorUnits == -8, "475 is a debit")
        #expect(stats.controlTotals.allSatisfy { $0.ties }, "\(stats.controlTotals.filter { !$0.ties })")
    }

    @Test func aCallerThatStopsEndsTheReadWithItsError() throws {
        let (text, _, _) = Self.bai2(details: 20_000)
        #expect(throws: Stop.self) { try Self.read(text, name: "stop.bai2", stopAfter: 1500) }
        var mt940 = ":20:STMT\n:25:ACC\n:28C:1/1\n:60F:C240605EUR0,00\n"
        for n in 0..<5000 {
            mt940 += ":61:2406050605C1,00NTRFNONREF//B\(n)\n:86:166?00GUTSCHRIFT?20EREF+E\(n)\n"
        }
        mt940 += ":62F:C240605EUR5000,00\n-\n"
        #expect(throws: Stop.self) { try Self.read(mt940, name: "stop.sta", stopAfter: 10) }
        let (records, rejects, stats, _) = try Self.read(mt940, name: "all.sta")
        #expect(rejects.isEmpty && records.count == 5000)
        #expect(records.map(\.key) == (0..<5000).map { "E\($0)" }, "the :86: of each entry, in order")
        #expect(records.allSatisfy { $0.gross.minorUnits == 100 && $0.settlementId?.hasPrefix("B") == true })
        #expect(stats.controlTotals.allSatisfy { $0.ties })
    }
}

extension UInt64 {
    fileprivate var asInt64: Int64 { Int64(self) }
}
