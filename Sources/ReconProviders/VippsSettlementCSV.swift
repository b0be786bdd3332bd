import PaymentModels

/// Vipps settlement report, CSV form: typed rows (`SettlementInfo`, `FeeInfo`,
/// `TransactionInfo`), each type with its own header row; the `TransactionInfo` rows are the
/// records. Dates are `DD.MM.YYYY`; Gross + Refund (negative) is the movement; Fee is negative.
enum VippsSettlementCSV {
    static var profile: TableProfile {
        var p = TableProfile(
            name: "vipps-csv",
            description: "Vipps settlement report CSV (TransactionInfo rows): OrderID and TransactionId, "
                + "Gross + Refund, Fee, Net, SettlementDate",
            signature: ["TransactionInfo", "TransactionId", "SettlementId", "OrderID", "Gross", "Currency", "Net"],
            keyColumns: ["OrderID", "TransactionId"], amount: .sum(["Gross", "Refund"]),
            currency: .column("Currency", fallback: "NOK"))
        p.settlementIdColumns = ["TransactionId"]
        p.feeColumns = ["Fee"]
        p.netColumn = "Net"
        p.timeColumn = "SettlementDate"
        p.dayFirstDates = true
        p.recordType = ("TransactionInfo", "TransactionInfo")
        p.batchColumns = ["SettlementId"]  // each settlement is paid out to the bank as one
        p.negativeIsRefund = true
        return p
    }
}
