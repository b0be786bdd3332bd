import PaymentModels

/// Stripe's itemized reports as CSV (`balance_change_from_activity.itemized.3`,
/// `payouts.itemized.3`, `payout_reconciliation.itemized.5`; FORMATS.md): amounts in major
/// units, signed gross/fee/net, lower-case currencies, `*_utc` times. The merchant's order id
/// is looked for in the usual `payment_metadata[...]` columns before Stripe's own ids.
enum StripeReportCSV {
    static var profile: TableProfile {
        var p = TableProfile(
            name: "stripe-report",
            description: "Stripe itemized balance / payout reconciliation report CSV: gross, fee, net in major "
                + "units; keys payment_metadata[order_id|reference|merchant_order_id], payment_intent_id, "
                + "charge_id, source_id",
            signature: ["balance_transaction_id", "currency", "gross", "fee", "net", "reporting_category"],
            keyColumns: [
                "payment_metadata[order_id]", "payment_metadata[reference]", "payment_metadata[merchant_order_id]",
                "payment_intent_id", "charge_id", "source_id", "balance_transaction_id",
            ],
            amount: .signed("gross"), currency: .column("currency", fallback: nil))
        p.settlementIdColumns = ["balance_transaction_id"]
        p.feeColumns = ["fee"]
        p.netColumn = "net"
        p.timeColumn = "created_utc"
        p.alternateTimeColumns = ["created"]
        p.signedFees = true
        p.kind = .init(column: "reporting_category", values: kinds, otherwise: .adjustment)
        p.batchColumns = ["automatic_payout_id"]
        p.payoutTimeColumns = ["automatic_payout_effective_at_utc", "automatic_payout_effective_at"]
        return p
    }

    /// `reporting_category` values (Stripe's reporting categories) as kinds; the many
    /// categories of balance movements not listed (transfers, top-ups, tax, ...) are adjustments.
    static let kinds: [String: SettlementKind] = [
        "charge": .payment, "payment": .payment, "refund": .refund, "partial_capture_reversal": .refund,
        "dispute": .chargeback, "dispute_reversal": .chargebackReversal, "fee": .fee, "network_cost": .fee,
        "payout": .payout, "payout_reversal": .payout,
    ]
}

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

/// PayPal's Settlement report (STL; FORMATS.md): typed lines (RH, FH, SH, CH, SB, SF, SC, RF,
/// RC, FF), the `CH` line naming the columns of the `SB` lines; unsigned integer amounts with
/// the currency's decimals implied and a separate `DR`/`CR` column; a fee marked `CR` is
/// returned (on a refund). Section and report record counts (SC, RC) and totals and balances
/// per currency (SF, RF) are checked.
enum PayPalSettlementReport {
    static var profile: TableProfile {
        var p = TableProfile(
            name: "paypal-stl",
            description: "PayPal Settlement report STL (RH/FH/SH/CH/SB/SF/SC/RF/RC/FF lines): unsigned minor-unit "
                + "amounts with DR/CR, fees; SC/RC counts and SF/RF totals and balances checked",
            signature: [
                "CH", "Transaction ID", "Transaction Event Code", "Gross Transaction Amount",
                "Gross Transaction Currency", "Transaction Debit or Credit",
            ],
            keyColumns: ["Invoice ID", "Custom Field", "Transaction ID", "PayPal Reference ID"],
            amount: .directed(
                amount: "Gross Transaction Amount", direction: "Transaction Debit or Credit", credit: ["CR"],
                debit: ["DR"]),
            currency: .column("Gross Transaction Currency", fallback: nil))
        p.settlementIdColumns = ["Transaction ID"]
        p.feeColumns = ["Fee Amount"]
        p.minorUnits = true
        p.recordType = ("CH", "SB")
        p.sectionType = "SH"
        p.countFooters = [("SC", 1, true), ("RC", 1, false)]
        p.totalFooters = [("SF", true), ("RF", false)]
        p.feeDirection = ("Fee Debit or Credit", ["CR"])
        p.directionRequired = true
        p.status = .init(column: "Transaction Event Code", values: [:], otherwise: .settled)
        // event code families (PayPal's transaction event codes): T00 payments, T01 fees,
        // T04 withdrawals to the bank; of the T11 reversals T1107 is a refund and T1106 a payment
        // reversal, the others (holds for disputes, fee and card reversals) adjust the balance;
        // T1201 is a chargeback and T1202 its reversal
        p.kind = .init(
            column: "Transaction Event Code",
            values: ["T1107": .refund, "T1106": .chargeback, "T1201": .chargeback, "T1202": .chargebackReversal],
            prefixes: [("T00", .payment), ("T01", .fee), ("T04", .payout)],
            otherwise: .adjustment)
        p.timeColumn = "Transaction Completion Date"
        p.batchByDay = true  // one settlement per day
        return p
    }
}
