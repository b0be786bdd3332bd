import PaymentModels

/// Adyen's Settlement details report (FORMATS.md): columns by header name, unsigned Gross
/// Debit/Credit in the gross currency; fees (Commission, Markup, Scheme Fees, Interchange) and
/// Net Debit/Credit in the net currency, with the `Exchange Rate` between them; account rows
/// (Fee, MerchantPayout, InvoiceDeduction, DepositCorrection, ...) carry only a net; local
/// times with a per-row time-zone abbreviation; the journal `Type` is the raw status.
enum AdyenSettlementDetails {
    static var profile: TableProfile {
        var p = TableProfile(
            name: "adyen-settlement",
            description: "Adyen Settlement details report CSV (30 and 49 columns): Gross Credit - Gross Debit "
                + "(GC), net and fees in NC with the Exchange Rate, net-only account rows, Type as kind, "
                + "Creation Date with TimeZone; keys Merchant Reference, Modification Merchant Reference, "
                + "Metadata references, Psp Reference",
            signature: ["Psp Reference", "Merchant Reference", "Type", "Gross Currency", "Net Currency"],
            keyColumns: [
                "Merchant Reference", "Modification Merchant Reference", "Merchant Order Reference",
                "Psp Reference", "Modification Reference",
            ],
            amount: .debitCredit(debit: "Gross Debit (GC)", credit: "Gross Credit (GC)"),
            currency: .column("Gross Currency", fallback: nil))
        p.settlementIdColumns = ["Modification Reference", "Psp Reference"]
        p.feeColumns = ["Commission (NC)", "Markup (NC)", "Scheme Fees (NC)", "Interchange (NC)"]
        p.settlementCurrencyColumn = "Net Currency"
        p.netDebitCredit = ("Net Debit (NC)", "Net Credit (NC)")
        p.rateColumn = "Exchange Rate"
        p.netOnlyRows = true
        p.metadataColumn = "Metadata"
        // every journal line is booked money; what it is about is its kind
        p.status = .init(column: "Type", values: [:], otherwise: .settled)
        p.kind = .init(
            column: "Type",
            values: [
                "Settled": .payment, "SettledBulk": .payment, "SettledInInstallments": .payment,
                "Refunded": .refund, "RefundedBulk": .refund, "RefundedInInstallments": .refund,
                "RefundedReversed": .adjustment, "Chargeback": .chargeback, "SecondChargeback": .chargeback,
                "ChargebackExternally": .chargeback, "ChargebackReversed": .chargebackReversal,
                "ChargebackReversedExternally": .chargebackReversal, "Fee": .fee, "PaymentCost": .fee,
                "MiscCosts": .fee, "InvoiceDeduction": .fee, "MerchantPayout": .payout, "PaidOut": .payout,
                "PaidOutReversed": .payout, "DepositCorrection": .adjustment, "Balancetransfer": .adjustment,
                "ReserveAdjustment": .adjustment, "ManualCorrected": .adjustment, "CashOutInstruction": .payout,
                "CashOutFunding": .adjustment, "CashOutFee": .fee, "AdvancementCommissionExternallyWithInfo": .fee,
            ],
            otherwise: nil)
        p.batchColumns = ["Batch Number"]
        p.timeColumn = "Creation Date"
        p.timeZoneColumn = "TimeZone"
        return p
    }
}
