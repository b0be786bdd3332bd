import PaymentModels
import Testing

@testable import ReconProviders

/// Record types as each layout names them, onto kinds.
@Suite struct EventCodeKindTests {
    @Test(arguments: [
        ("T0006", SettlementKind.payment), ("T0000", .payment), ("T0106", .fee), ("T0400", .payout),
        ("T1107", .refund), ("T1106", .chargeback), ("T1201", .chargeback), ("T1202", .chargebackReversal),
        ("T1110", .adjustment),  // a hold for a dispute moves the balance, it returns nothing yet
        ("T1108", .adjustment), ("T1503", .adjustment), ("T9999", .adjustment),
    ])
    func payPalEventCodes(code: String, kind: SettlementKind) throws {
        let rule = try #require(PayPalSettlementReport.profile.kind)
        #expect(rule.kind(of: code) == kind)
    }

    @Test func adyenAndStripeTypes() throws {
        let adyen = try #require(AdyenSettlementDetails.profile.kind)
        #expect(adyen.kind(of: "Refunded") == .refund && adyen.kind(of: "MerchantPayout") == .payout)
        #expect(adyen.kind(of: "InvoiceDeduction") == .fee && adyen.kind(of: "SomethingNew") == nil)
        let stripe = try #require(StripeReportCSV.profile.kind)
        #expect(stripe.kind(of: "dispute_reversal") == .chargebackReversal && stripe.kind(of: "topup") == .adjustment)
    }
}
