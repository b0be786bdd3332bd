import PaymentModels
import ReconIngest
import ReconProviders
import Testing

/// The provider layouts, each fed rows written from its documented format (FORMATS.md): one
/// per record type, sign convention and quirk.
@Suite struct TableLayoutTests {
    static func read(_ bytes: [UInt8], name: String = "f.csv") throws -> ([SettlementRecord], [Reject], SourceStats) {
        let input = try InputOpener.open(source: MemoryByteSource(bytes, name: name))
        var records: [SettlementRecord] = []
        var rejects: [Reject] = []
        let stats = try SettlementSourceReader.read(
            input, path: name, onRecord: { records.append($0) }, onReject: { rejects.append($0) })
        return (records, rejects, stats)
    }

    static func read(_ text: String) throws -> ([SettlementRecord], [Reject], SourceStats) {
        try read(Array(text.utf8))
    }

    @Test func weChatTradeBillSuccessAndRefundRowsAndItsSummary() throws {
        let header =
            "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,"
            + "应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,"
            + "订单金额,申请退款金额,费率备注"
        let paid =
            "`2024-05-01 10:00:00,`wx1,`1600,`0,`,`4200001,`M-1,`u,`NATIVE,`SUCCESS,`OTHERS,`CNY,`10.00,`0.00,`0,`0,"
            + "`0.00,`0.00,`,`,`T,`,`0.06000,`0.60%,`10.00,`0.00,`"
        let refund =
            "`2024-05-01 11:00:00,`wx1,`1600,`0,`,`4200001,`M-1,`u,`NATIVE,`REFUND,`OTHERS,`CNY,`0.00,`0.00,"
            + "`5030001,`R-1,`4.00,`0.00,`ORIGINAL,`SUCCESS,`T,`,`0.00000,`0.60%,`0.00,`4.00,`"
        let summary =
            "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\n"
            + "`2,`10.00,`4.00,`0.00,`0.06000,`10.00,`5.00"
        let (records, rejects, stats) = try Self.read(
            "\u{FEFF}" + [header, paid, refund, summary].joined(separator: "\n"))
        #expect(rejects.isEmpty && stats.providerList == "wechatpay-tradebill")
        #expect(records.map(\.gross.description) == ["10.00 CNY", "-4.00 CNY"])
        #expect(records.map(\.status) == [.settled, .settled])  // the refund moved money back
        #expect(records.map(\.kind) == [.payment, .refund])
        #expect(records.allSatisfy { $0.batchId?.hasPrefix("wechatpay-tradebill 20") == true })
        #expect(records[0].key == "M-1" && records[0].alternateKeys == ["4200001"])  // refund nos "0" are none
        #expect(records[1].alternateKeys == ["4200001", "R-1", "5030001"])
        #expect(records[0].fee?.description == "0.06 CNY")
        #expect(records[0].settledAt?.description == "2024-05-01T02:00:00.000Z")  // China time
        let failing = stats.controlTotals.filter { !$0.ties }.map(\.name)
        #expect(failing == ["申请退款总金额"])  // stated 5.00, the rows ask for 4.00
        #expect(stats.controlTotals.count == 7)
    }

    @Test func alipayMerchantBillInGBKWithRefundsAndTrailers() throws {
        let lines = [
            "#支付宝业务明细查询", "#-----------------------------------------业务明细列表----------------------------------------",
            "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,"
                + "支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,"
                + "退款批次号/请求号,服务费（元）,分润（元）,备注",
            "2024001\t,A-1\t,交易,T,2024-05-01 10:00:00,2024-05-01 10:00:05,,,,,b,88.00,88.00,0,0,0,0,0,,0,0,,-0.53,0,",
            "2024001\t,A-1\t,退款,T,2024-05-02 10:00:00,2024-05-02 10:00:05,,,,,b,-8.00,-8.00,0,0,0,0,0,,0,0,RF-1\t,0.05,0,",
            "#-----------------------------------------业务明细列表结束------------------------------------",
            "#交易合计：1笔，商家实收共88.00元，商家优惠共0.00元", "#退款合计：1笔，商家实收共8.00元，商家优惠共0.00元",
        ]
        let gbk = try #require(Self.gb18030(lines.joined(separator: "\r\n") + "\r\n"))
        let (records, rejects, stats) = try Self.read(gbk)
        #expect(rejects.isEmpty && stats.providerList == "alipay-merchant")
        #expect(records.map(\.gross.description) == ["88.00 CNY", "-8.00 CNY"])
        #expect(records.map(\.status) == [.settled, .settled])
        #expect(records.map(\.kind) == [.payment, .refund])
        #expect(records.allSatisfy { $0.batchId?.hasPrefix("alipay-merchant 20") == true })  // paid out by day
        #expect(records[1].alternateKeys == ["2024001", "RF-1"])  // the tab after each id is gone
        #expect(records[0].fee?.description == "0.53 CNY")
        #expect(stats.controlTotals.count == 4 && stats.controlTotals.allSatisfy(\.ties), "\(stats.controlTotals)")
    }

    @Test func adyenJournalTypesDebitCreditAndTimeZones() throws {
        let csv = """
            Company Account,Merchant Account,Psp Reference,Merchant Reference,Payment Method,Creation Date,TimeZone,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),Exchange Rate,Net Currency,Net Debit (NC),Net Credit (NC),Commission (NC),Markup (NC),Scheme Fees (NC),Interchange (NC),Payment Method Variant,Batch Number
            C,M,1813702551707653,R-1,visa,2024-01-15 11:26:49,CET,Settled,1713,GBP,,5.00,1,GBP,,4.88,,0.04,0.01,0.07,visaclassic,42
            C,M,1813702551707653,R-1,visa,2024-07-15 09:00:00,CEST,Refunded,1714,GBP,2.00,,1,GBP,2.00,,,,,,visaclassic,42
            C,M,1813702551707654,R-2,mc,2024-07-15 09:00:00,BST,Chargeback,1715,EUR,10.00,,1,EUR,10.00,,,,,,mc,42
            C,M,1813702551707655,R-3,jcb,2024-07-15 09:00:00,CEST,Settled,1716,JPY,,7500,0.0061,EUR,,45.20,0.55,,,,jcb,42
            C,M,,,,2024-07-16 00:00:00,CEST,MerchantPayout,,GBP,50.00,,,GBP,50.00,,,,,,,42
            C,M,1813702551707656,R-4,visa,2024-07-15 09:00:00,XYZ,Settled,1717,GBP,,1.00,1,GBP,,0.98,,,,,visa,42
            """
        let (records, rejects, _) = try Self.read(csv)
        #expect(records.map(\.gross.description) == ["5.00 GBP", "-2.00 GBP", "-10.00 EUR", "7500 JPY", "-50.00 GBP"])
        #expect(records.allSatisfy { $0.status == .settled })  // every journal line is booked money
        #expect(records.map(\.kind) == [.payment, .refund, .chargeback, .payment, .payout])
        #expect(records.map(\.rawStatus) == ["Settled", "Refunded", "Chargeback", "Settled", "MerchantPayout"])
        #expect(records.allSatisfy { $0.batchId == "42" })
        #expect(records[0].settledAt?.description == "2024-01-15T10:26:49.000Z")  // CET is UTC+1
        #expect(records[1].settledAt?.description == "2024-07-15T07:00:00.000Z")  // CEST is UTC+2
        #expect(records[0].fee?.description == "0.12 GBP")
        // charged in JPY, paid out in EUR: fee and net in EUR at the stated rate (7500 x 0.0061 = 45.75)
        #expect(records[3].fee?.description == "0.55 EUR" && records[3].net?.description == "45.20 EUR")
        #expect(records[3].settlementCurrency.code == "EUR" && records[3].exchangeRate?.description == "0.0061")
        #expect(records[3].settledGross?.description == "45.75 EUR" && records[3].conversionDifference?.minorUnits == 0)
        #expect(records[4].key == "")  // a payout names no payment
        #expect(rejects.map(\.field) == ["TimeZone"])
        #expect(rejects.first?.reason.contains("'XYZ'") == true)
    }

    @Test func payPalSTLImpliedDecimalsDirectionsAndRecordCounts() throws {
        let stl = """
            "RH","2024/05/02 03:00:00 -0700","A","ACCT",009
            "SH","2024/05/01 00:00:00 -0700","2024/05/01 23:59:59 -0700","ACCT",""
            "CH","Transaction ID","Invoice ID","PayPal Reference ID","PayPal Reference ID Type","Transaction Event Code","Transaction Initiation Date","Transaction Completion Date","Transaction  Debit or Credit","Gross Transaction Amount","Gross Transaction Currency","Fee Debit or Credit","Fee Amount","Fee Currency","Custom Field","Consumer ID","Payment Tracking ID","Store ID"
            "SB","T1","INV-1","","","T0006","2024/05/01 10:00:00 -0700","2024/05/01 10:00:05 -0700","CR","1999","USD","DR","88","USD","","c","",""
            "SB","T2","INV-2","","","T0006","2024/05/01 11:00:00 -0700","2024/05/01 11:00:05 -0700","CR","1500","JPY","DR","80","JPY","","c","",""
            "SB","T3","INV-1","T1","TXN","T1107","2024/05/01 12:00:00 -0700","2024/05/01 12:00:05 -0700","DR","500","USD","CR","15","USD","","c","",""
            "SF","USD",1999,500,15,88,"CR",10000,"CR",11426,"CR",0,"CR",0,"CR",0,"CR",0
            "SF","JPY",1500,0,0,80,"DR",20,"CR",1400,"CR",0,"CR",0,"CR",0,"CR",0
            "SC",3
            "RF","USD",1999,500,15,99,"CR",10000,"CR",11426,"CR",0,"CR",0,"CR",0,"CR",0
            "RC",4
            """
        let (records, rejects, stats) = try Self.read(stl)
        #expect(rejects.isEmpty && stats.providerList == "paypal-stl")
        #expect(records.map(\.gross.description) == ["19.99 USD", "1500 JPY", "-5.00 USD"])
        #expect(records.allSatisfy { $0.status == .settled })
        #expect(records.map(\.kind) == [.payment, .payment, .refund])
        // the settlement day where PayPal is (UTC-7): one batch
        #expect(Set(records.map(\.batchId)) == ["paypal-stl 2024-05-01"])
        #expect(records[0].settledAt?.description == "2024-05-01T17:00:05.000Z")
        #expect(records[1].fee?.description == "80 JPY")
        #expect(records[2].fee?.description == "-0.15 USD")  // the fee returned with the refund
        let usd = "section 1 SF USD"
        #expect(
            stats.controlTotals.map { "\($0.name) \($0.ties)" } == [
                "section 1 SC record count true", "RC record count false",
                "\(usd) gross credits true", "\(usd) gross debits true", "\(usd) fee credits true",
                "\(usd) fee debits true", "\(usd) ending minus beginning balance true",
                "section 1 SF JPY gross credits true", "section 1 SF JPY gross debits true",
                "section 1 SF JPY fee credits true", "section 1 SF JPY fee debits true",
                "section 1 SF JPY ending minus beginning balance true",  // from 20 DR to 1400 CR: 1500 - 80
                "RF USD gross credits true", "RF USD gross debits true", "RF USD fee credits true",
                "RF USD fee debits false", "RF USD ending minus beginning balance true",
            ])
    }

    @Test func stripeReportSignsCurrencyCaseAndMetadataKeys() throws {
        let csv = """
            balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,source_id,charge_id,payment_intent_id,payment_metadata[order_id]
            txn_1,2024-05-01 10:00:00,usd,25.00,1.03,23.97,charge,ch_1,ch_1,pi_1,ORD-1
            txn_2,2024-05-02 10:00:00,usd,-5.00,0.00,-5.00,refund,re_1,ch_1,pi_1,ORD-1
            txn_3,2024-05-02 11:00:00,jpy,1500,74,1426,charge,ch_2,ch_2,pi_2,
            txn_4,2024-05-02 11:00:00,usd,1.005,0,1.005,charge,ch_3,ch_3,pi_3,
            """
        let (records, rejects, _) = try Self.read(csv)
        #expect(records.map(\.gross.description) == ["25.00 USD", "-5.00 USD", "1500 JPY"])
        #expect(records.map(\.key) == ["ORD-1", "ORD-1", "pi_2"])
        #expect(records[0].alternateKeys == ["pi_1", "ch_1", "txn_1"])
        #expect(records[0].net?.description == "23.97 USD")
        #expect(rejects.map(\.field) == ["gross"])  // 1.005 USD has more decimals than USD allows
    }

    @Test func vippsTypedRowsRefundsAndDayFirstDates() throws {
        let csv = """
            OrganizationNumber,MerchantName
            918713867,Store
            SettlementInfo,SalesUnitName,SaleUnitNumber,SettlementDate,SettlementID,SettlementAccount,Gross,Currency,Fee,Refund,Net,NumberOfTransactions
            SettlementInfo,Store,513428,12.04.2021,2000001,150,8.00,NOK,-0.03,-1490.00,7.97,2
            TransactionInfo,SalesDate,SaleUnitName,SaleUnitNumber,TransactionId,SettlementId,OrderID,SettlementDate,Gross,Currency,Fee,Refund,Net
            TransactionInfo,08.04.2021,Store,595976,2170112123,2000720,O-1,10.04.2021,8.00,NOK,-0.03,0.00,7.97
            TransactionInfo,08.04.2021,Store,595976,2179112123,2000720,O-2,10.04.2021,0.00,NOK,0.00,-1490.00,0.00
            """
        let (records, rejects, _) = try Self.read(csv)
        #expect(rejects.isEmpty)
        #expect(records.map(\.gross.description) == ["8.00 NOK", "-1490.00 NOK"])
        #expect(records[0].fee?.description == "0.03 NOK")
        #expect(records[0].settledAt?.description == "2021-04-10T00:00:00.000Z")
    }

    @Test func weChatFundFlowDirectionsAndCROnlyLines() throws {
        let text =
            "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号\r"
            + "`2021-02-01 13:54:01,`5030080,`4200000920,`退款,`退款,`支出,`0.01,`0.22,`API,`退款总金额0.01元;含手续费0.00元,`S1\r"
            + "`2021-02-01 14:00:45,`5030090,`4200000846,`交易,`交易,`收入,`0.30,`0.52,`API,`,`S2\r"
            + "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额\r`2,`1,`0.30,`1,`0.01\r"
        let (records, rejects, stats) = try Self.read(text)
        #expect(rejects.isEmpty)
        #expect(records.map(\.gross.description) == ["-0.01 CNY", "0.30 CNY"])
        #expect(records.map(\.key) == ["S1", "S2"])
        #expect(stats.controlTotals.count == 5 && stats.controlTotals.allSatisfy(\.ties), "\(stats.controlTotals)")
    }

    @Test func utf16WithBOMIsConverted() throws {
        let csv =
            "settlement_id,provider,reference,gross,currency,fee,net,status,settled_at\ns1,p,R-é,1.00,EUR,,,settled,\n"
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in csv.utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let (records, rejects, _) = try Self.read(utf16)
        #expect(rejects.isEmpty)
        #expect(records.map(\.key) == ["R-é"])
    }

    @Test func anUnknownLayoutSaysWhatItLookedLike() throws {
        let (records, rejects, _) = try Self.read("when,what,howmuch\n2024-01-01,coffee,3.50\n")
        #expect(records.isEmpty)
        let reason = try #require(rejects.first?.reason)
        #expect(reason.contains("no header of a known layout") && reason.contains("when, what, howmuch"))
        #expect(reason.contains("--profile"))
    }

    static func gb18030(_ text: String) -> [UInt8]? {
        TestEncoding.encode(text, to: "GB18030")
    }
}

@Suite struct SeedSystemSettlementTests {
    @Test func formanceListAndWooshPayIntentsReadAsSettlement() throws {
        let json = """
            {"cursor": {"pageSize": 2, "hasMore": false, "data": [
              {"id": "fm_1", "reference": "R-1", "amount": 1250, "asset": "EUR/2", "status": "SUCCEEDED", "type": "PAY-IN"},
              {"id": "fm_2", "reference": "R-2", "amount": 500, "asset": "JPY/0", "status": "PENDING", "type": "PAY-IN"}
            ]}}
            """
        let (records, rejects, stats) = try TableLayoutTests.read(json)
        #expect(rejects.isEmpty && stats.providerList == "formance")
        #expect(records.map(\.key) == ["R-1", "R-2"] && records.map(\.alternateKeys) == [["fm_1"], ["fm_2"]])
        #expect(records.map(\.gross.description) == ["12.50 EUR", "500 JPY"])
        #expect(records.map(\.status) == [.settled, .pending])
    }

    @Test func yedpayTransactionsExportAsCSV() throws {
        let csv = """
            id,custom_id,transaction_id,reference_id,amount,currency,charge,net,status,paid_at,settled_at
            7,YP-1,T-001,W-9,100.00,HKD,2.50,97.50,paid,2024-05-01 10:00:00,2024-05-02 10:00:00
            8,YP-2,T-002,,50.00,HKD,0,50.00,refunded,2024-05-01 11:00:00,
            """
        let (records, rejects, stats) = try TableLayoutTests.read(csv)
        #expect(rejects.isEmpty && stats.providerList == "yedpay-csv")
        #expect(records.map(\.key) == ["YP-1", "YP-2"])
        #expect(records[0].alternateKeys == ["T-001", "W-9", "7"] && records[0].settlementId == "T-001")
        #expect(records[0].fee?.description == "2.50 HKD" && records[0].net?.description == "97.50 HKD")
        #expect(records.map(\.status) == [.settled, .refunded])
        #expect(records[0].settledAt?.description == "2024-05-02T02:00:00.000Z")
    }
}
