import PaymentModels
import ReconIngest
import ReconProviders
import Testing

/// camt documents written from the ISO 20022 message definitions (FORMATS.md): each version's
/// status shape, signs, reversals, pending entries, batches, charges and the statement's totals.
@Suite struct CamtStatementTests {
    static func document(_ version: String, _ message: String, _ block: String, _ body: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:\(version)">
          <\(message)><GrpHdr><MsgId>M1</MsgId></GrpHdr>
            <\(block)><Id>S-1</Id>
              <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
        \(body)
            </\(block)>
          </\(message)>
        </Document>
        """
    }

    static func read(_ xml: String) throws -> ([SettlementRecord], [Reject], SourceStats) {
        let input = try InputOpener.open(source: MemoryByteSource(Array(xml.utf8), name: "s.xml"))
        var records: [SettlementRecord] = []
        var rejects: [Reject] = []
        let stats = try SettlementSourceReader.read(
            input, path: "s.xml", onRecord: { records.append($0) }, onReject: { rejects.append($0) })
        return (records, rejects, stats)
    }

    static let statement = """
          <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal>
          <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">157.50</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal>
          <TxsSummry>
            <TtlNtries><NbOfNtries>4</NbOfNtries><Sum>84.50</Sum></TtlNtries>
            <TtlCdtNtries><NbOfNtries>3</NbOfNtries><Sum>72.00</Sum></TtlCdtNtries>
            <TtlDbtNtries><NbOfNtries>1</NbOfNtries><Sum>12.50</Sum></TtlDbtNtries>
          </TxsSummry>
          <Ntry><NtryRef>N1</NtryRef><Amt Ccy="EUR">40.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
            <BookgDt><Dt>2024-05-02</Dt></BookgDt><AcctSvcrRef>BANK-1</AcctSvcrRef>
            <NtryDtls><TxDtls><Refs><EndToEndId>E2E-1</EndToEndId><TxId>TX-1</TxId></Refs>
              <RmtInf><Ustrd>order 1</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
          <Ntry><Amt Ccy="EUR">12.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
            <BookgDt><DtTm>2024-05-02T10:00:00+02:00</DtTm></BookgDt><AcctSvcrRef>BANK-2</AcctSvcrRef>
            <Chrgs><Amt Ccy="EUR">0.50</Amt></Chrgs></Ntry>
          <Ntry><Amt Ccy="EUR">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><AcctSvcrRef>BATCH-1</AcctSvcrRef>
            <NtryDtls><Btch><PmtInfId>PMT-9</PmtInfId><NbOfTxs>2</NbOfTxs></Btch>
              <TxDtls><Refs><EndToEndId>E2E-2</EndToEndId></Refs><AmtDtls><TxAmt><Amt Ccy="EUR">10.00</Amt></TxAmt></AmtDtls></TxDtls>
              <TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
                <AmtDtls><TxAmt><Amt Ccy="EUR">20.00</Amt></TxAmt></AmtDtls>
                <RmtInf><Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>
            </NtryDtls></Ntry>
          <Ntry><Amt Ccy="EUR">2.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>PDNG</Sts><AcctSvcrRef>PEND-1</AcctSvcrRef></Ntry>
        """

    @Test func entriesAndDetailsBecomeSignedRecords() throws {
        let (records, rejects, stats) = try Self.read(
            Self.document("camt.053.001.02", "BkToCstmrStmt", "Stmt", Self.statement))
        #expect(rejects.isEmpty)
        #expect(stats.format == "camt.053.001.02" && stats.providerList == "camt")
        #expect(records.map(\.gross.description) == ["40.00 EUR", "-12.50 EUR", "10.00 EUR", "20.00 EUR", "2.00 EUR"])
        #expect(records.map(\.key) == ["E2E-1", "BANK-2", "E2E-2", "RF18539007547034", "PEND-1"])
        #expect(records[0].alternateKeys == ["TX-1", "BANK-1", "N1", "order 1"])
        #expect(records[0].settlementId == "BANK-1" && records[0].provider == "DE89370400440532013000")
        #expect(records[1].fee?.description == "0.50 EUR")
        #expect(records[1].settledAt?.description == "2024-05-02T08:00:00.000Z")
        #expect(records[2].settlementId == "BATCH-1/1" && records[3].settlementId == "BATCH-1/2")
        #expect(records.map(\.status) == [.settled, .settled, .settled, .settled, .pending])
        #expect(records[4].rawStatus == "PDNG")
    }

    @Test func statementTotalsAndBalancesTie() throws {
        let (_, _, stats) = try Self.read(Self.document("camt.053.001.02", "BkToCstmrStmt", "Stmt", Self.statement))
        // six summary figures, the batch entry whose details add up, and the balance
        #expect(stats.controlTotals.count == 8)
        #expect(stats.controlTotals.allSatisfy { $0.ties }, "\(stats.controlTotals)")
        let broken = Self.statement.split(separator: "<Sum>72.00</Sum>", omittingEmptySubsequences: false)
            .joined(separator: "<Sum>73.00</Sum>")
        let (_, _, brokenStats) = try Self.read(Self.document("camt.053.001.02", "BkToCstmrStmt", "Stmt", broken))
        let failing = brokenStats.controlTotals.filter { !$0.ties }
        #expect(failing.map { $0.name } == ["Stmt S-1 TxsSummry/TtlCdtNtries/Sum"])
        #expect(failing.first?.stated == "73.00 EUR" && failing.first?.computed == "72.00 EUR")
    }

    @Test(arguments: [
        ("camt.052.001.08", "BkToCstmrAcctRpt", "Rpt"), ("camt.053.001.13", "BkToCstmrStmt", "Stmt"),
        ("camt.054.001.08", "BkToCstmrDbtCdtNtfctn", "Ntfctn"),
    ])
    func laterVersionsNestTheStatusAndReverse(version: String, message: String, block: String) throws {
        let body = """
              <Ntry><Amt Ccy="CHF">5.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd>
                <Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2024-05-03</Dt></BookgDt>
                <NtryDtls><TxDtls><Refs><EndToEndId>E2E-9</EndToEndId></Refs><Amt Ccy="CHF">5.00</Amt>
                  <CdtDbtInd>DBIT</CdtDbtInd></TxDtls></NtryDtls></Ntry>
            """
        let (records, rejects, stats) = try Self.read(Self.document(version, message, block, body))
        #expect(rejects.isEmpty && stats.format == version)
        #expect(records.count == 1)
        #expect(records.first?.gross.description == "-5.00 CHF")
        #expect(records.first?.status == .reversed && records.first?.rawStatus == "BOOK reversal")
    }

    @Test func aBadEntryIsRejectedWithItsLineAndTheRestIsRead() throws {
        let body = """
              <Ntry><Amt Ccy="EUR">1.005</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts></Ntry>
              <Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>SIDEWAYS</CdtDbtInd><Sts>BOOK</Sts></Ntry>
              <Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><NtryRef>OK</NtryRef></Ntry>
            """
        let (records, rejects, stats) = try Self.read(Self.document("camt.053.001.04", "BkToCstmrStmt", "Stmt", body))
        #expect(records.map(\.key) == ["OK"])
        #expect(rejects.map(\.field) == ["Ntry/Amt", "Ntry/CdtDbtInd"])
        #expect(rejects.map(\.source.position.line) == [6, 7])
        #expect(stats.records == 3 && stats.rejected == 2)
    }

    @Test func otherXMLIsRefusedWithWhatItLooksLike() throws {
        let (records, rejects, _) = try Self.read("<?xml version=\"1.0\"?>\n<Invoice xmlns=\"urn:x\"><A/></Invoice>")
        #expect(records.isEmpty)
        #expect(rejects.first?.reason.contains("root <Invoice> in namespace urn:x") == true)
    }
}

@Suite struct CamtKindTests {
    /// Bank transaction codes say what an entry is: charges are fees, returns and reversals
    /// take money back, the rest are payments.
    @Test func bankTransactionCodesAndReversalsGiveTheKind() throws {
        func entry(_ sub: String, reversal: Bool = false, indicator: String = "CRDT") -> String {
            """
            <Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>\(indicator)</CdtDbtInd>\(reversal ? "<RvslInd>true</RvslInd>" : "")
            <Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2024-05-03</Dt></BookgDt><AcctSvcrRef>R-\(sub)\(reversal)</AcctSvcrRef>
            <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>\(sub)</SubFmlyCd></Fmly></Domn></BkTxCd></Ntry>
            """
        }
        let body =
            entry("ESCT") + entry("CHRG", indicator: "DBIT") + entry("RRTN", indicator: "DBIT")
            + entry("ESCT", reversal: true)
        let (records, rejects, _) = try CamtStatementTests.read(
            CamtStatementTests.document("camt.053.001.08", "BkToCstmrStmt", "Stmt", body))
        #expect(rejects.isEmpty, "\(rejects)")
        #expect(records.map(\.kind) == [.payment, .fee, .chargeback, .chargeback])
    }
}
