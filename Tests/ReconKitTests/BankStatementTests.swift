import Foundation
import ReconTestSupport
import Testing

/// Bank statements built from the formats' documentation (Tests/ReconKitTests/Bank): each
/// variant read to its amounts, signs, kinds, dates and keys; a field that breaks the grammar
/// rejected with its line and tag while the rest is read, and the balance then said not to tie
/// with both figures; a statement cut short said to be.
@Suite struct BankStatementTests {
    static let folder = "Tests/ReconKitTests/Bank/"

    /// `normalize --json-lines` as (kind, amount, key, time, status) per record.
    static func records(_ file: String) throws -> [[String]] {
        let result = try CLI.run(["normalize", "--json-lines", folder + file])
        return try result.stdout.split(separator: "\n").map { line in
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
            return [o["kind"] ?? "", o["amount"] ?? "", o["key"] ?? "", String((o["time"] ?? "").prefix(10)), o["status"] ?? ""]
        }
    }

    @Test func mt940VariantsReadAsDocumented() throws {
        #expect(
            try Self.records("mt940-variants.sta") == [
                // entry date 1231 for a value date of 2 January: booked the year before
                ["payment", "50.00", "E2E-1", "2024-12-31", "settled"],
                ["chargeback", "10.00", "B2", "2025-01-02", "settled"],  // RD: a reversed debit, money back
                ["chargeback", "-5.00", "B3", "2025-01-02", "settled"],  // RC: a reversed credit
                ["fee", "-2.50", "B4", "2025-01-02", "settled"],  // NCHG, GVC 805
                ["payment", "1.00", "E2E-6", "2025-01-02", "settled"],  // Dutch /EREF/
            ])
        let inspect = try CLI.run(["inspect", Self.folder + "mt940-variants.sta"])
        #expect(inspect.stdout.contains("6 records, 1 rejected"), "\(inspect.stdout)")
        #expect(
            inspect.stdout.contains(
                "mt940-variants.sta:13: :61: amount: expected an amount like 1234,56 and then the transaction type, "
                    + "found '12,3XNTRFNONREF/'"), "\(inspect.stdout)")
        #expect(
            inspect.stdout.contains(
                "DOES NOT TIE: Stmt YEAREND 1/1 :60F: + 5 entries = :62F:: stated 141.20 EUR, computed 153.50 EUR"))
    }

    /// Statement lines without a transaction type (Penta, on solarisBank: `D20,00NONREF`) and a
    /// Danske Bank preamble of dashes: read, not taken for types or message ends.
    @Test func mt940QuirksOfOtherBanks() throws {
        let dir = makeTemporaryDirectory()
        writeFile(
            dir + "/penta.sta",
            """
            The example starts after the dotted line
            - - - - - - - - - - - - - - -
            :20:PENTA1
            :25:11010100/2324817618
            :28C:1
            :60F:C200930EUR100,00
            :61:2009020902D20,00NONREF
            :86:999SEPA_STANDING_ORDER:Rent:Campus e.V.:DE85213581701400076509
            :61:2009030903C11,25NONREF//B-2
            :86:999SEPA_CREDIT_TRANSFER:INV-77:HOPPA Inc:GB29DEUT40333124517700
            :62F:C200930EUR91,25

            """)
        let result = try CLI.run(["normalize", "--json-lines", dir + "/penta.sta"])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        #expect(!result.stdout.contains("\"key\": \"EF\""), "NONREF is no type and EF no reference")
        #expect(result.stdout.contains("\"amount\": \"-20.00\"") && result.stdout.contains("\"key\": \"B-2\""))
        let inspect = try CLI.run(["inspect", dir + "/penta.sta"])
        #expect(inspect.stdout.contains("ties: Stmt PENTA1 1 :60F: + 2 entries = :62F: = 91.25 EUR"), "\(inspect.stdout)")
    }

    /// As West African and Indonesian banks write them (modelled on public samples of Ecobank
    /// and CIMB Niaga statements): a currency without decimals (XOF) and its funds code after
    /// the mark (`CF500,`), charges credited back (`NCHG`), a commission (`NCOM`); a statement
    /// line with no entry date and no reference, its `:86:` text padded with blanks.
    @Test func mt940ZeroDecimalCurrenciesAndBareLines() throws {
        let dir = makeTemporaryDirectory()
        writeFile(
            dir + "/xof.sta",
            """
            {1:F01ECOCBJBJAXXX1111111111}{2:I940XXXXXXXXXXXXN}{4:
            :20:7150022429001A
            :25:110692715002
            :28C:1/1
            :60F:C220329XOF91378355,
            :61:2203290329CF47000000,NMSC110692715002//M01ZEXA2208702N5
            :86:TRANSFERT PAR MOBILE
            REF2639503734 INWARD MOBILE TRANSFER
            :61:2203290329CF500,NCHGM01LZ02220880004//M01LZ02220880004
            :86:CREDIT DIRECT
            :61:2203280329DF2500,NCOMM01STAR220880001//M01STAR220880001
            :86:COMMISSION DE PAIEMENT BANCAIRE
            :62F:C220329XOF138376355,
            -}
            {1:F01CIMB NIAGA}{2:I940PT NASABAH}{4:
            :20:20220413030008
            :25:800052048200
            :28C:102
            :60F:C220412IDR100000,35
            :61:220412C10000,00NTRF
            :86:OCTOmobile  TRF FR 6281234567890        CIMB Niaga       \u{20}
            :62F:C220412IDR110000,35
            -}

            """)
        let records = try CLI.run(["normalize", "--json-lines", dir + "/xof.sta"])
        #expect(records.status == 0 && records.stderr.isEmpty, "\(records.stderr)")
        let lines = records.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0].contains("\"amount\": \"47000000\", \"currency\": \"XOF\""), "\(lines[0])")
        #expect(lines[1].contains("\"amount\": \"500\"") && lines[1].contains("\"kind\": \"fee\""))
        #expect(lines[2].contains("\"amount\": \"-2500\"") && lines[2].contains("\"kind\": \"fee\""))
        #expect(lines[3].contains("\"key\": \"OCTOmobile  TRF FR 6281234567890        CIMB Niaga\""), "\(lines[3])")
        #expect(lines[3].contains("\"amount\": \"10000.00\"") && lines[3].contains("\"time\": \"2022-04-12"))
        let inspect = try CLI.run(["inspect", dir + "/xof.sta"])
        #expect(inspect.stdout.contains("ties: Stmt 7150022429001A 1/1 :60F: + 3 entries = :62F: = 138376355 XOF"))
        #expect(inspect.stdout.contains("ties: Stmt 20220413030008 102 :60F: + 1 entries = :62F: = 110000.35 IDR"))
    }

    /// A camt.053 whose closing booked balance counts the entries valued by its date, as
    /// PostFinance writes them: an entry booked today but valued tomorrow is in tomorrow's
    /// balance. The check says it ties by value date; a statement off by anything else still
    /// does not tie, with both figures.
    @Test func camtClosingBalanceByValueDate() throws {
        func statement(closing: String) -> String {
            func entry(_ amount: String, valued: String) -> String {
                """
                <Ntry><Amt Ccy="CHF">\(amount)</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
                <BookgDt><Dt>2020-11-24</Dt></BookgDt><ValDt><Dt>\(valued)</Dt></ValDt>
                <AcctSvcrRef>R\(amount)</AcctSvcrRef></Ntry>
                """
            }
            func balance(_ code: String, _ amount: String, _ day: String) -> String {
                """
                <Bal><Tp><CdOrPrtry><Cd>\(code)</Cd></CdOrPrtry></Tp><Amt Ccy="CHF">\(amount)</Amt>
                <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>\(day)</Dt></Dt></Bal>
                """
            }
            return """
                <?xml version="1.0" encoding="UTF-8"?>
                <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"><BkToCstmrStmt>
                <GrpHdr><MsgId>M1</MsgId><CreDtTm>2020-11-24T20:00:00</CreDtTm></GrpHdr>
                <Stmt><Id>S1</Id><Acct><Id><IBAN>CH2909000000250094239</IBAN></Id><Ccy>CHF</Ccy></Acct>
                \(balance("OPBD", "100.00", "2020-11-24"))\(balance("CLBD", closing, "2020-11-24"))
                \(balance("FWAV", "117.50", "2020-11-25"))
                \(entry("10.00", valued: "2020-11-24"))\(entry("7.50", valued: "2020-11-25"))
                </Stmt></BkToCstmrStmt></Document>

                """
        }
        let dir = makeTemporaryDirectory()
        writeFile(dir + "/valued.xml", statement(closing: "110.00"))
        writeFile(dir + "/off.xml", statement(closing: "111.00"))
        let valued = try CLI.run(["inspect", dir + "/valued.xml"])
        #expect(
            valued.stdout.contains(
                "ties: Stmt S1 balance OPBD + booked entries valued by 2020-11-24 = CLBD = 110.00 CHF"),
            "\(valued.stdout)")
        let off = try CLI.run(["inspect", dir + "/off.xml"])
        #expect(
            off.stdout.contains(
                "DOES NOT TIE: Stmt S1 balance OPBD + booked entries = CLBD: stated 111.00 CHF, computed 117.50 CHF"),
            "\(off.stdout)")
    }

    /// An MT942 interim report: its entries pending, no balance to check.
    @Test func mt942EntriesArePending() throws {
        #expect(try Self.records("mt942.sta") == [["payment", "70.00", "E2E-P1", "2025-01-02", "pending"]])
        let inspect = try CLI.run(["inspect", Self.folder + "mt942.sta"])
        #expect(inspect.stdout.contains("format mt942"), "\(inspect.stdout)")
    }

    @Test func bai2VariantsReadAsDocumented() throws {
        #expect(
            try Self.records("bai2-variants.bai2") == [
                ["payment", "50.00", "CR1", "2025-01-01", "settled"],  // 165: a credit
                ["payment", "-12.50", "CHK2", "2025-01-01", "settled"],  // 475 with a value date (V)
                ["fee", "-3.00", "BR4", "2025-01-01", "settled"],  // 698: fees, no customer reference
            ])
        let inspect = try CLI.run(["inspect", Self.folder + "bai2-variants.bai2"])
        #expect(inspect.stdout.contains("bai2-variants.bai2:6: 16 amount: '12a4' is not a decimal amount"))
        #expect(inspect.stdout.contains("DOES NOT TIE: Account 111 control total: stated 2127.84 USD, computed 2115.50 USD"))
        #expect(inspect.stdout.contains("ties: File 7 number of records = 10"), "\(inspect.stdout)")
    }

    /// BTRS version 3 (X9.121) and a Canadian BTRS file, from moov-io/bai2's test data (public
    /// samples of the X9 guide, stitched into files): a detail that ends after its funds type
    /// (`/`) goes on in its `88` with the bank reference, the customer reference and the text;
    /// value-dated details (`V`) and signed control totals (`+0000...`).
    @Test func btrsVersion3AndValueDatedDetails() throws {
        #expect(
            try Self.records("btrs3-continued-detail.bai2") == [
                ["payment", "1230000000.00", "CUST REF 79", "2015-06-22", "settled"]
            ])
        let continued = try CLI.run(["normalize", "--json-lines", Self.folder + "btrs3-continued-detail.bai2"])
        #expect(continued.stdout.contains("settlement_id=TRACE12345678900"), "\(continued.stdout)")
        let inspect = try CLI.run(["inspect", Self.folder + "btrs3-continued-detail.bai2"])
        #expect(inspect.stdout.contains("ties: Account 1234567890 control total = 2460000000.00 USD"), "\(inspect.stdout)")
        // the sample's record counts leave out its last 88, and recon says so
        #expect(inspect.stdout.contains("DOES NOT TIE: Account 1234567890 number of records: stated 4, computed 5"))

        let dated = try Self.records("btrs-value-dated.bai2")
        #expect(dated.count == 17)
        #expect(dated.first == ["chargeback", "-25.00", "RETURNED CHEQUE", "2006-03-17", "settled"])
        #expect(dated[3] == ["payment", "2035.00", "TFR 1020 0345678", "2006-03-17", "settled"])
        let totals = try CLI.run(["inspect", Self.folder + "btrs-value-dated.bai2"])
        #expect(totals.stdout.contains("17 records, 0 rejected") && !totals.stdout.contains("DOES NOT TIE"))
        #expect(totals.stdout.contains("CAD: credits 3200.00, debits -3200.00"), "\(totals.stdout)")
        #expect(totals.stdout.contains("ties: File 001 control total = 12800.00 CAD"), "\(totals.stdout)")
    }

    @Test func norma43ReadsAsDocumentedAndACutFileSaysSo() throws {
        #expect(
            try Self.records("norma43-documented.n43") == [
                ["payment", "250.00", "PEDIDO-1001", "2025-01-05", "settled"],
                ["fee", "-3.50", "0000000002", "2025-01-07", "settled"],  // concept 17, by its document number
                ["chargeback", "-120.00", "RECIBO-77", "2025-01-10", "settled"],  // concept 14: returned
            ])
        let whole = try CLI.run(["inspect", Self.folder + "norma43-documented.n43"])
        #expect(!whole.stdout.contains("DOES NOT TIE") && whole.stdout.contains("ties: File 88 number of records = 8"))
        #expect(whole.stdout.contains("opening + credits - debits = 33 closing balance = 1126.50 EUR"))
        let cut = try CLI.run(["inspect", Self.folder + "norma43-cut.n43"])
        #expect(cut.stdout.contains("DOES NOT TIE: File trailer 88 (the file may be cut short)"), "\(cut.stdout)")
        #expect(cut.stdout.contains("DOES NOT TIE: Account 2100 0001 0200051332 trailer 33: stated missing"))
    }

    /// OFX 2.x XML: times in their zones (17:00 PDT is the next day in UTC; +5.5 hours is
    /// India's), a service charge as a fee, a payee aggregate, an amount in another currency;
    /// a typo in an amount rejected with its line and field; the ledger balance stated.
    @Test func ofx2VariantsReadAsDocumented() throws {
        #expect(
            try Self.records("ofx2-variants.ofx") == [
                ["payment", "193.90", "F-1", "2025-01-03", "settled"],
                ["fee", "-12.00", "F-2", "2025-01-03", "settled"],
                ["payment", "-25.00", "F-4", "2025-01-05", "settled"],
            ])
        let normalized = try CLI.run(["normalize", "--json-lines", Self.folder + "ofx2-variants.ofx"])
        #expect(normalized.stdout.contains("\"time\": \"2025-01-05T06:30:00.000Z\""), "\(normalized.stdout)")
        #expect(normalized.stdout.contains("\"currency\": \"EUR\""))
        let inspect = try CLI.run(["inspect", Self.folder + "ofx2-variants.ofx"])
        #expect(inspect.stdout.contains("format ofx2") && inspect.stdout.contains("4 records, 1 rejected"))
        #expect(inspect.stdout.contains("ofx2-variants.ofx:28: TRNAMT: '-1O.00' is not a decimal amount"))
        #expect(inspect.stdout.contains("states: Stmt 1 4000123456 LEDGERBAL as of 2025-01-31 = 1156.90 USD"))
    }

    /// OFX 1.x SGML on one line, a credit card statement whose header says UTF-8 over
    /// Windows-1252 bytes (a guess, said), a decimal comma, and a day that does not exist.
    @Test func ofx1CardWithAWrongHeader() throws {
        let normalized = try CLI.run(["normalize", "--json-lines", Self.folder + "ofx1-card-latin1.ofx"])
        #expect(normalized.stdout.contains("\"amount\": \"-4.50\"") && normalized.stdout.contains("\"system\": \"4111\""))
        #expect(normalized.stderr.contains("read as windows-1252, a guess"), "\(normalized.stderr)")
        #expect(normalized.stderr.contains("ofx1-card-latin1.ofx:7: DTPOSTED: '20250230' is not a date YYYYMMDD"))
    }

    /// A time zone that pushes a date past the years recon reads is a reject, never a time the
    /// store could not hold.
    @Test func ofxDatesPastTheYearsReadAreRejects() throws {
        let file = makeTemporaryDirectory() + "/edge.ofx"
        writeFile(
            file,
            "OFXHEADER:100\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR<BANKACCTFROM><ACCTID>1</BANKACCTFROM>"
                + "<BANKTRANLIST><STMTTRN><TRNTYPE>DEBIT<DTPOSTED>00000101000000[+14:X]<TRNAMT>-1<FITID>a</STMTTRN>"
                + "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20250101[-5:EST]<TRNAMT>-2<FITID>b</STMTTRN></BANKTRANLIST>"
                + "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n")
        let result = try CLI.run(["normalize", "--json-lines", file])
        #expect(result.stderr.contains("DTPOSTED: '00000101000000[+14:X]' is outside the years 0 to 9999"))
        #expect(result.stdout.contains("\"time\": \"2025-01-01T05:00:00.000Z\""), "\(result.stdout)")
    }
}
