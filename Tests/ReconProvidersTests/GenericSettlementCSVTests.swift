import PaymentModels
import ReconIngest
import ReconProviders
import Testing

func readSettlement(_ csv: String) throws -> ([SettlementRecord], [Reject], SourceStats) {
    let input = try InputOpener.open(source: MemoryByteSource(Array(csv.utf8), name: "s.csv"))
    var records: [SettlementRecord] = []
    var rejects: [Reject] = []
    let stats = try SettlementSourceReader.read(
        input, path: "s.csv", onRecord: { records.append($0) }, onReject: { rejects.append($0) })
    return (records, rejects, stats)
}

@Suite struct GenericSettlementCSVTests {
    @Test func columnsByNameInAnyOrderAndCase() throws {
        let csv = "Extra;CURRENCY;Amount;Reference;Status;Settlement_ID\nx;kwd;1.5;K-1;PAID;s1\ny;JPY;1500;J-1;reversed;s2\n"
        let (records, rejects, stats) = try readSettlement(csv)
        #expect(rejects.isEmpty && stats.records == 2)
        #expect(records.map { $0.gross.description } == ["1.500 KWD", "1500 JPY"])
        #expect(records.map(\.status) == [.settled, .reversed])
        #expect(records[0].settlementId == "s1" && records[0].key == "K-1")
        #expect(records[1].provenance.description == "s.csv:3")
    }

    @Test func badRowsAreRejectedAndTheRestGoesOn() throws {
        let csv = """
            settlement_id,provider,reference,gross,currency,fee,net,status,settled_at
            s1,p,R1,"12,3O",USD,0,0,settled,
            s2,p,,1.00,USD,0,1.00,settled,
            s3,p,R3,1.00,XYZ,0,1.00,settled,
            s4,p,R4,1.00,USD,0.1x,1.00,settled,
            s5,p,R5,1.00,USD,,,settled,yesterday
            s6,p,R6,1.00,USD,,,settled,2024-05-01T00:00:00Z
            """
        let (records, rejects, stats) = try readSettlement(csv)
        #expect(records.map(\.key) == ["R6"])
        #expect(stats.records == 6 && stats.rejected == 5)
        #expect(rejects.map(\.field) == ["gross", "reference", "currency", "fee", "settled_at"])
        #expect(rejects[0].message == "s.csv:2: gross: '12,3O' is not a decimal amount")
    }

    @Test func aHeaderWithoutTheRequiredColumnsRejectsTheFile() throws {
        let (records, rejects, _) = try readSettlement("id,total\n1,2\n")
        #expect(records.isEmpty)
        #expect(rejects.first?.reason.contains("no 'reference' column") == true)
    }
}
