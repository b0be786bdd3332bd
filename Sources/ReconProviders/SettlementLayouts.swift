/// The settlement layouts recon recognizes by their header, in the order they are tried.
public enum SettlementLayouts {
    static let tables: [TableProfile] = [
        WeChatPayBill.tradeBill, WeChatPayBill.fundFlowBill, WeChatPayBill.personalBill, AlipayBill.merchantBill,
        AlipayBill.appBill, AlipayBill.webTradeList, VippsSettlementCSV.profile, StripeReportCSV.profile,
        AdyenSettlementDetails.profile, PayPalSettlementReport.profile, SeedSystemSettlement.yedpayCSV,
    ]

    /// Name and description of every settlement format, for `recon providers`.
    public static var all: [(name: String, description: String)] {
        [
            (GenericSettlementCSV.name, GenericSettlementCSV.description),
            (GenericSettlementJSON.name, GenericSettlementJSON.description),
            (StripeObject.name, StripeObject.description), (CamtStatement.name, CamtStatement.description),
            (VippsSettlementXML.name, VippsSettlementXML.description),
            (SeedSystemSettlement.name, SeedSystemSettlement.description),
        ]
            + tables.map { ($0.name, $0.description) }
    }
}
