import PaymentModels

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
