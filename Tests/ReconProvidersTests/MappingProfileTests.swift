import PaymentModels
import ReconIngest
import ReconProviders
import Testing

@Suite struct MappingProfileTests {
    static func read(_ profileText: String, _ bytes: [UInt8]) throws -> ([SettlementRecord], [Reject]) {
        let profile = try MappingProfile.parse(profileText, file: "p.yaml")
        let input = try InputOpener.open(source: MemoryByteSource(bytes, name: "f"), encoding: profile.encoding)
        var records: [SettlementRecord] = []
        var rejects: [Reject] = []
        _ = try SettlementSourceReader.read(
            input, path: "f", profiles: [profile], onRecord: { records.append($0) }, onReject: { rejects.append($0) })
        return (records, rejects)
    }

    @Test func positionalColumnsDirectionAndMonthFirstDates() throws {
        let profile = """
            name: positional
            header: false
            key: 2
            amount: 3
            direction: {column: 4, credit: [C], debit: [D]}
            currency_code: usd
            time: 1
            date_format: MM/DD/YYYY
            time_zone: "-05:00"
            """
        let (records, rejects) = try Self.read(profile, Array("05/02/2024,R-1,12.50,C\n5/3/2024,R-2,1.00,D\n".utf8))
        #expect(rejects.isEmpty)
        #expect(records.map(\.gross.description) == ["12.50 USD", "-1.00 USD"])
        #expect(records.map(\.key) == ["R-1", "R-2"])
        #expect(records[0].settledAt?.description == "2024-05-02T05:00:00.000Z")
        #expect(records[1].settledAt?.description == "2024-05-03T05:00:00.000Z")
    }

    /// Date formats and time zones apply to JSON and XML profiles as they do to CSV ones.
    @Test func jsonAndXMLProfilesReadDayFirstDatesInTheirZone() throws {
        let json = """
            name: j
            format: json
            records: items
            key: ref
            amount: amt
            currency_code: EUR
            time: at
            date_format: DD.MM.YYYY
            time_zone: CET
            """
        let (records, rejects) = try Self.read(
            json, Array(#"{"items": [{"ref": "A", "amt": "1.50", "at": "02.05.2024 10:00:00"}]}"#.utf8))
        #expect(rejects.isEmpty)
        #expect(records.first?.settledAt?.description == "2024-05-02T09:00:00.000Z")
        let xml = """
            name: x
            format: xml
            records: Tx
            key: Ref
            amount: Amt
            currency: Amt@Ccy
            time: Dt
            date_format: MM/DD/YYYY
            """
        let (xmlRecords, xmlRejects) = try Self.read(
            xml, Array("<Txs><Tx><Ref>B</Ref><Amt Ccy=\"USD\">2.00</Amt><Dt>5/3/2024</Dt></Tx></Txs>".utf8))
        #expect(xmlRejects.isEmpty)
        #expect(xmlRecords.first?.settledAt?.description == "2024-05-03T00:00:00.000Z")
    }

    @Test func minorUnitsAndStatusMapWithUnmappedValuesKeptUnknown() throws {
        let profile = """
            name: minor
            key: ref
            amount: cents
            units: minor
            currency: cur
            status: st
            statuses: {ok: settled, gone: reversed}
            """
        let (records, _) = try Self.read(
            profile, Array("ref,cents,cur,st\nA,1250,JPY,ok\nB,1250,KWD,gone\nC,5,EUR,odd\n".utf8))
        #expect(records.map(\.gross.description) == ["1250 JPY", "1.250 KWD", "0.05 EUR"])
        #expect(records.map(\.status) == [.settled, .reversed, .unknown])
    }

    @Test(arguments: [
        ("name: x\nkey: a\namount: b\ncurrency: c\ncolour: red\n", "colour", "unknown key"),
        ("key: a\namount: b\ncurrency: c\n", "name", "needs a name"),
        ("name: x\namount: b\ncurrency: c\n", "key", "reference"),
        ("name: x\nkey: a\ncurrency: c\n", "amount", "amount column"),
        ("name: x\nkey: a\namount: b\n", "currency", "currency_code"),
        ("name: x\nkey: a\namount: b\ncurrency_code: XYZ\n", "currency_code", "ISO 4217"),
        ("name: x\nkey: a\namount: b\ncurrency: c\nskip_lines: -2\n", "skip_lines", "0 or more"),
        ("name: x\nkey: a\namount: b\ncurrency: c\ndate_format: YY.MM\n", "date_format", "'YY.MM'"),
        ("name: x\nkey: a\namount: b\ncurrency: c\nstatus: s\nstatuses: {ok: done}\n", "statuses", "'done'"),
        ("name: x\nkey: a\namount: b\ncurrency: c\ntime_zone: Mars\n", "time_zone", "'Mars'"),
        ("name: x\nkey: a\ndebit: d\ncurrency: c\n", "credit", "go together"),
        ("name: x\nformat: xml\nkey: a\namount: b\ncurrency: c\n", "records", "record element"),
        ("name: x\nkey: a\namount: b\ncurrency: c\nencoding: ebcdic\n", "encoding", "'ebcdic'"),
        ("- just\n- a list\n", "", "YAML mapping"),
        ("name: x\nkey: a\namount: b\ncurrency: c\nkind: t\nkinds: {S: sale, X: teleport}\n", "kinds", "'teleport'"),
        ("name: x\nkey: a\namount: b\ncurrency: c\nkind: t\n", "kinds", "map of values to kinds"),
        ("name: x\nkey: a\namount: b\ncurrency: c\nkinds: {S: payment}\n", "kinds", "name the kind column"),
        ("name: x\nkey: a\namount: b\ncurrency_code: EUR\nimplied_decimals: 4\n", "rounding", "finer than EUR"),
        ("name: x\nkey: a\namount: b\ncurrency: c\nrounding: nearest\n", "rounding", "'nearest'"),
        ("name: x\nkey: a\namount: b\ncurrency: c\nfee_sign: odd\n", "fee_sign", "'odd'"),
        ("name: x\nkey: a\namount: b\ncurrency: c\nnet_debit: d\n", "net_credit", "go together"),
        ("name: x\nkey: a\namount: b\ncurrency: c\noptional: [zz]\n", "optional", "'zz'"),
        ("name: x\nkey: a\namount: b\ncurrency: c\nfooter_record: {type: F, sum: 0}\n", "footer_record", "position"),
        ("name: x\nkey: a\namount: b\ncurrency: c\nnet_only_rows: true\n", "net_only_rows", "net_debit"),
    ])
    func badProfilesNameTheKeyAndTheProblem(text: String, key: String, problem: String) {
        do {
            _ = try MappingProfile.parse(text, file: "p.yaml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.key == key)
            #expect(error.description.contains(problem), "\(error.description)")
            #expect(error.description.hasPrefix("p.yaml: profile key '\(key)'"))
        }
    }

    @Test func aProfileWhoseColumnsAreMissingSaysWhichAndWhatWasFound() throws {
        let (records, rejects) = try Self.read(
            "name: x\nkey: Reference\namount: Amount\ncurrency: Currency\n",
            Array("ref,amount,currency\nA,1,EUR\n".utf8))
        #expect(records.isEmpty)
        let reason = try #require(rejects.first?.reason)
        // names are compared with case folded: only Reference is missing
        #expect(reason.contains("does not have: Reference (found: ref, amount, currency)"), "\(reason)")
    }
}

@Suite struct BuiltInProfileExportTests {
    /// Every built-in CSV layout prints as a profile that loads, with the same columns.
    @Test func everyBuiltInLayoutRoundTripsAsAProfile() throws {
        let names = SettlementFormats.all.map(\.name).filter { SettlementFormats.named($0)?.layout != nil }
        #expect(names.count >= 10)
        for name in names {
            let table = try #require(SettlementFormats.named(name)?.layout)
            let profile = try MappingProfile.parse(table.yaml, file: name)
            #expect(profile.table.name == name + "-copy")
            #expect(profile.table.keyColumns == table.keyColumns)
            #expect(profile.table.timeZoneOffsetSeconds == table.timeZoneOffsetSeconds)
            #expect(profile.table.status?.values == table.status?.values)
        }
    }

    @Test func theWeChatCopyReadsAWeChatBill() throws {
        let yaml = try #require(SettlementFormats.named("wechatpay-tradebill")?.layout).yaml
        // a profile names every column it reads, and the file must have them all (typos show)
        let bill =
            "交易时间,微信订单号,商户订单号,商户退款单号,微信退款单号,交易状态,应结订单金额,货币种类,手续费\n"
            + "`2024-05-01 10:00:00,`42,`M-1,`0,`0,`SUCCESS,`10.00,`CNY,`0.06\n"
        let (records, rejects) = try MappingProfileTests.read(yaml, Array(bill.utf8))
        #expect(rejects.isEmpty)
        #expect(records.map(\.key) == ["M-1"] && records.map(\.gross.description) == ["10.00 CNY"])
        #expect(records.first?.settledAt?.description == "2024-05-01T02:00:00.000Z")
    }

    /// Amounts finer than the currency are read only with the profile's rounding rule; implied
    /// decimals scale exactly; a kind map's unmapped value is a reject naming it; a strict
    /// indicator rejects an unknown value.
    @Test func roundingImpliedDecimalsKindsAndIndicators() throws {
        let base = "name: x\nkey: ref\namount: amt\ncurrency: cur\n"
        let csv = Array("ref,amt,cur,t,dc\nA,10.125,EUR,S,C\nB,10.135,EUR,R,D\nC,-0.005,EUR,Q,C\nD,1.5,EUR,S,X\n".utf8)
        let (plain, plainRejects) = try MappingProfileTests.read(base, csv)
        #expect(plain.count == 1 && plainRejects.count == 3)  // 10.125 EUR has too many decimals, and so on
        let (halfUp, _) = try MappingProfileTests.read(base + "rounding: half_up\n", csv)
        #expect(halfUp.map(\.gross.description) == ["10.13 EUR", "10.14 EUR", "-0.01 EUR", "1.50 EUR"])
        let (halfEven, _) = try MappingProfileTests.read(base + "rounding: half_even\n", csv)
        #expect(halfEven.map(\.gross.description) == ["10.12 EUR", "10.14 EUR", "0.00 EUR", "1.50 EUR"])
        let (down, _) = try MappingProfileTests.read(base + "rounding: down\n", csv)
        #expect(down.map(\.gross.description) == ["10.12 EUR", "10.13 EUR", "0.00 EUR", "1.50 EUR"])
        let kinds = base + "rounding: down\nkind: t\nkinds: {S: payment, R: refund}\n"
        + "direction: {column: dc, credit: [C], debit: [D]}\n"
        let (typed, typedRejects) = try MappingProfileTests.read(kinds, csv)
        #expect(typed.map(\.kind) == [.payment, .refund])
        #expect(typed.map(\.gross.description) == ["10.12 EUR", "-10.13 EUR"])
        #expect(typedRejects.map(\.field) == ["t", "dc"])
        #expect(typedRejects[0].reason.contains("'Q'") && typedRejects[1].reason.contains("'X'"))
        let implied = "name: x\nkey: ref\namount: amt\ncurrency: cur\nimplied_decimals: 3\nrounding: half_up\n"
        let (scaled, _) = try MappingProfileTests.read(implied, Array("ref,amt,cur\nA,12345,JPY\nB,12345,KWD\nC,12345,USD\n".utf8))
        #expect(scaled.map(\.gross.description) == ["12 JPY", "12.345 KWD", "12.35 USD"])
    }
}
