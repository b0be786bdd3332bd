import PaymentModels
import ReconIngest
import ReconProviders
import Testing

/// Reads created payments from JSON text the way `recon` does.
func readPayments(_ json: String, forced: PaymentSystem? = nil) throws -> (payments: [Payment], rejects: [Reject]) {
    let input = try InputOpener.open(source: MemoryByteSource(Array(json.utf8), name: "test.json"))
    var payments: [Payment] = []
    var rejects: [Reject] = []
    _ = try PaymentSourceReader.read(
        input, path: "test.json", forced: forced, onPayment: { payments.append($0) },
        onReject: { rejects.append($0) })
    return (payments, rejects)
}

func keys(_ p: Payment) -> [String] { p.keys.map { "\($0.field.code)=\($0.value)" } }

@Suite struct AggregatorTests {
    @Test func requestBodyAlone() throws {
        let (p, r) = try readPayments(#"{"transactionId":"T1","description":"d","amount":"12.34","currency":"USD","date":"2024-05-01T10:00:00Z","paymentGatewayType":"alipay-page","completePayRedirectUrl":"https://x","onlineScenario":true,"cancelPayRedirectUrl":"https://y"}"#)
        #expect(r.isEmpty)
        #expect(p.count == 1)
        #expect(p[0].system == .aggregator)
        #expect(keys(p[0]) == ["transactionId=T1"])
        #expect(p[0].amount.description == "12.34 USD")
        #expect(p[0].status == .unknown && p[0].rawStatus == "")
        #expect(p[0].createdAt?.description == "2024-05-01T10:00:00.000Z")
    }

    @Test(arguments: [("waiting", PaymentStatus.pending), ("processing", .pending), ("succeeded", .succeeded),
                      ("failed", .failed), ("closed", .canceled), ("mystery", .unknown)])
    func mergedWithTheResponse(raw: String, status: PaymentStatus) throws {
        let (p, _) = try readPayments(#"{"transactionId":"T2","amount":"1500","currency":"JPY","paymentGatewayType":"wechat-pay-native","paymentUrl":"weixin://x","paymentId":"P2","expireTime":900,"status":"\#(raw)"}"#)
        #expect(keys(p[0]) == ["transactionId=T2", "paymentId=P2"])
        #expect(p[0].amount.minorUnits == 1500)
        #expect(p[0].status == status && p[0].rawStatus == raw)
    }

    @Test func badAmountIsRejectedWithTheField() throws {
        let (p, r) = try readPayments(#"{"transactionId":"T3","amount":"12.345","currency":"USD","paymentGatewayType":"stripe-connect"}"#)
        #expect(p.isEmpty)
        #expect(r.first?.field == "amount")
        #expect(r.first?.reason.contains("more decimals than USD") == true)
        #expect(r.first?.message.hasPrefix("test.json:1: amount: ") == true)
    }
}

@Suite struct YedpayTests {
    @Test func successResponseAndBareData() throws {
        let json = """
            {"success":true,"data":{"id":"xX1","status":"paid","amount":"10.00","currency":"HKD","charge":"0.30","net":"9.70","transaction_id":"156448136666091","reference_id":"","custom_id":"C-1","created_at":"2019-07-30 18:09:26"}}
            {"id":"xX2","gateway_code":"1_1","status":"precreated","amount":"5.5","currency":"HKD","charge":"","net":"","transaction_id":"156448136666092","custom_id":"","reference_id":"W-2","created_at":""}
            """
        let (p, r) = try readPayments(json)
        #expect(r.isEmpty)
        #expect(keys(p[0]) == ["custom_id=C-1", "transaction_id=156448136666091", "id=xX1"])
        #expect(p[0].fee?.decimalString == "0.30" && p[0].net?.decimalString == "9.70")
        #expect(p[0].status == .succeeded)
        #expect(p[0].createdAt?.description == "2019-07-30T10:09:26.000Z")  // Hong Kong time
        #expect(keys(p[1]) == ["transaction_id=156448136666092", "reference_id=W-2", "id=xX2"])
        #expect(p[1].amount.minorUnits == 550 && p[1].fee == nil && p[1].status == .pending)
    }

    @Test func errorEnvelopeIsARejectWithItsMessage() throws {
        let (p, r) = try readPayments(#"{"success":false,"message":"Internal Error","status":500}"#)
        #expect(p.isEmpty)
        #expect(r.first?.reason == "Yedpay returned an error: Internal Error (status 500)")
    }
}

@Suite struct FormanceTests {
    @Test func requestAndWrappedResponseAndCursorList() throws {
        let json = """
            {"reference":"R1","connectorID":"c","createdAt":"2023-11-07T05:31:56Z","amount":100,"type":"PAY-IN","status":"PENDING","scheme":"unknown","asset":"USD"}
            {"data":{"id":"XXX","reference":"R2","connectorID":"c","provider":"STRIPE","type":"PAY-IN","status":"SUCCEEDED","initialAmount":100,"amount":1500,"scheme":"jcb","asset":"JPY/0","createdAt":"2023-11-07T05:31:56Z","raw":{},"adjustments":[{"reference":"a","amount":100,"raw":{}}],"metadata":{}}}
            {"cursor":{"pageSize":2,"hasMore":false,"data":[{"id":"Y1","reference":"R3","amount":1234,"asset":"KWD/3","status":"DISPUTE_LOST"},{"id":"Y2","reference":"R4","amount":1,"asset":"EUR/2","status":"OTHER"}]}}
            """
        let (p, r) = try readPayments(json)
        #expect(r.isEmpty)
        #expect(p.map { $0.amount.description } == ["1.00 USD", "1500 JPY", "1.234 KWD", "0.01 EUR"])
        #expect(keys(p[1]) == ["reference=R2", "id=XXX"])
        #expect(p.map(\.status) == [.pending, .succeeded, .disputeLost, .unknown])
        #expect(p[2].provenance.locator == .record && p[2].provenance.position.record == 3)
    }

    @Test func assetPrecisionThatLosesDigitsIsRejected() throws {
        let (_, r) = try readPayments(#"{"reference":"R","amount":12345,"asset":"USD/3","status":"SUCCEEDED"}"#)
        #expect(r.first?.field == "amount")
    }
}

@Suite struct WooshPayTests {
    @Test func paymentIntentResponse() throws {
        let (p, r) = try readPayments(#"[{"id":"pi_1604012360740110336","object":"payment_intent","created":1671261323000,"currency":"usd","amount":10,"status":"succeeded","merchant_order_id":"Order112344343","last_payment_error":null}]"#)
        #expect(r.isEmpty)
        #expect(keys(p[0]) == ["merchant_order_id=Order112344343", "payment_intent_id=pi_1604012360740110336"])
        #expect(p[0].amount.description == "0.10 USD")
        #expect(p[0].createdAt?.description == "2022-12-17T07:15:23.000Z")  // milliseconds
    }

    /// `amount_received` (a partial capture) is what is expected to settle; `amount` is kept as
    /// the ordered amount; a null `amount_received` changes nothing.
    @Test func amountReceivedIsWhatSettles() throws {
        let (p, r) = try readPayments(
            #"[{"id":"pi_1","object":"payment_intent","currency":"usd","amount":5000,"amount_received":4000,"status":"succeeded","merchant_order_id":"O-1"},"#
                + #"{"id":"pi_2","object":"payment_intent","currency":"usd","amount":700,"amount_received":null,"status":"succeeded","merchant_order_id":"O-2"}]"#)
        #expect(r.isEmpty)
        #expect(p[0].amount.description == "40.00 USD" && p[0].orderedAmount?.description == "50.00 USD")
        #expect(p[1].amount.description == "7.00 USD" && p[1].orderedAmount == nil)
    }

    /// Keys are trimmed as the settlement side trims them: a padded key matches.
    @Test func paddedKeysAreTrimmed() throws {
        let (p, _) = try readPayments(
            #"{"id":" pi_3\t","object":"payment_intent","currency":"EUR","amount":1,"status":"succeeded","merchant_order_id":"  O-3 "}"#)
        #expect(keys(p[0]) == ["merchant_order_id=O-3", "payment_intent_id=pi_3"])
    }

    @Test(arguments: ["requires_payment_method", "requires_confirmation", "requires_action", "processing", "requires_capture"])
    func stripeIntermediateStatusesArePending(raw: String) throws {
        let (p, _) = try readPayments(#"{"id":"pi_1","object":"payment_intent","currency":"EUR","amount":1,"status":"\#(raw)"}"#)
        #expect(p[0].status == .pending)
    }
}

@Suite struct CommerceLayerTests {
    @Test func amountFromTheIncludedOrder() throws {
        let json = """
            {"data":{"id":"XAyRWNUzyN","type":"stripe_payments","attributes":{"stripe_id":"pi_1234XXX","charge_id":"ch_1234XXX","reference":"ANY-EXTERNAL-REFEFERNCE","created_at":"2018-01-01T12:00:00.000Z"},"relationships":{"order":{"data":{"type":"orders","id":"ABCRtyUpBa"}}}},
             "included":[{"type":"orders","id":"ABCRtyUpBa","attributes":{"total_amount_cents":12000,"currency_code":"EUR","payment_status":"authorized"}}]}
            """
        let (p, r) = try readPayments(json)
        #expect(r.isEmpty)
        #expect(keys(p[0]) == ["reference=ANY-EXTERNAL-REFEFERNCE", "payment_intent_id=pi_1234XXX", "charge_id=ch_1234XXX", "id=XAyRWNUzyN"])
        #expect(p[0].amount.description == "120.00 EUR")
        #expect(p[0].status == .pending && p[0].rawStatus == "authorized")
    }

    @Test func listWithExportedAmountsAndOneWithoutAny() throws {
        let json = """
            {"data":[
              {"id":"A","type":"stripe_payments","attributes":{"reference":"R-A","stripe_id":"pi_A","amount_cents":500,"currency_code":"gbp","payment_status":"paid"}},
              {"id":"B","type":"stripe_payments","attributes":{"reference":"R-B","stripe_id":"pi_B"}}
            ]}
            """
        let (p, r) = try readPayments(json)
        #expect(p.count == 1 && p[0].amount.description == "5.00 GBP" && p[0].status == .succeeded)
        #expect(r.count == 1 && r[0].reason.hasPrefix("no amount"))
        #expect(r[0].source.position.record == 2)
    }
}

@Suite struct DetectionTests {
    @Test func mixedSystemsInOneFileAreDetectedRecordByRecord() throws {
        let json = """
            {"transactionId":"a","amount":"1.00","currency":"USD","paymentGatewayType":"alipay-page","status":"succeeded"}
            {"transaction_id":"b","custom_id":"B","amount":"1.00","currency":"HKD","status":"paid"}
            {"reference":"c","amount":100,"asset":"USD/2","type":"PAY-IN","status":"SUCCEEDED"}
            {"id":"pi_d","merchant_order_id":"d","amount":100,"currency":"USD","status":"succeeded","created":1}
            {"data":{"id":"e","type":"stripe_payments","attributes":{"reference":"e","amount_cents":1,"currency_code":"EUR","payment_status":"paid"}}}
            {"hello":"world"}
            this is not json
            """
        let (p, r) = try readPayments(json)
        #expect(p.map(\.system) == [.aggregator, .yedpay, .formance, .wooshpay, .commercelayer])
        #expect(r.map(\.source.position.line) == [6, 7])
        #expect(r[1].reason.hasPrefix("not valid JSON"))
    }

    @Test func noKeyIsRejected() throws {
        let (_, r) = try readPayments(#"{"transactionId":"","amount":"1.00","currency":"USD","paymentGatewayType":"alipay-page"}"#)
        #expect(r.first?.reason == "the record has no key to match on")
    }

    @Test func unknownCurrencyIsRejected() throws {
        let (_, r) = try readPayments(#"{"id":"pi_1","merchant_order_id":"m","amount":1,"currency":"ABC"}"#)
        #expect(r.first?.field == "currency")
        #expect(r.first?.reason == "'ABC' is not an ISO 4217 currency code")
    }
}
