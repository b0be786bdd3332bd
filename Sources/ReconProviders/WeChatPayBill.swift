import PaymentModels

/// WeChat Pay bills (FORMATS.md): the merchant trade bill (交易账单, ALL / SUCCESS / REFUND),
/// the fund-flow bill (资金账单) and the personal bill export (微信支付账单明细). Values carry a
/// leading backtick, times are China time, amounts are yuan; each bill ends with a summary the
/// records are checked against.
enum WeChatPayBill {
    static let chinaTime: Int64 = 8 * 3600

    static var tradeBill: TableProfile {
        var p = TableProfile(
            name: "wechatpay-tradebill",
            description: "WeChat Pay merchant trade bill (交易账单, ALL/SUCCESS/REFUND): 商户订单号 and 微信订单号, "
                + "应结订单金额 less 退款金额, 手续费; summary row checked",
            signature: ["交易时间", "微信订单号", "商户订单号", "交易状态", "应结订单金额"],
            keyColumns: ["商户订单号", "微信订单号", "商户退款单号", "微信退款单号"],
            amount: .lessRefund(amount: "应结订单金额", refund: "退款金额"),
            currency: .column("货币种类", fallback: "CNY"))
        p.settlementIdColumns = ["微信订单号"]
        p.feeColumns = ["手续费"]
        p.status = .init(
            column: "交易状态",
            values: [
                "SUCCESS": .settled, "REFUND": .settled, "REVOKED": .reversed, "NOTPAY": .failed, "CLOSED": .failed,
                "PAYERROR": .failed, "USERPAYING": .pending,
            ])
        // a REFUND row is money returned (退款金额, the settled amount 0): a refund that moved
        p.kind = .init(column: "交易状态", values: ["REFUND": .refund])
        p.timeColumn = "交易时间"
        p.timeZoneOffsetSeconds = chinaTime
        p.endMarkers = ["总交易单数"]
        p.emptyValues = ["/", "-", "0"]
        p.summary = .rows(
            firstName: "总交易单数",
            figures: [
                "总交易单数": .count, "应结订单总金额": .sum(column: "应结订单金额"), "退款总金额": .sum(column: "退款金额"),
                "充值券退款总金额": .sum(column: "充值券退款金额"), "手续费总金额": .sum(column: "手续费"),
                "订单总金额": .sum(column: "订单金额"), "申请退款总金额": .sum(column: "申请退款金额"),
            ])
        p.batchByDay = true  // paid out per bill day
        return p
    }

    static var fundFlowBill: TableProfile {
        var p = TableProfile(
            name: "wechatpay-fundflow",
            description: "WeChat Pay fund-flow bill (资金账单): 收支金额 signed by 收支类型; summary row checked",
            signature: ["记账时间", "微信支付业务单号", "资金流水单号", "收支类型", "收支金额(元)"],
            keyColumns: ["业务凭证号", "微信支付业务单号", "资金流水单号"],
            amount: .directed(amount: "收支金额(元)", direction: "收支类型", credit: ["收入"], debit: ["支出"]),
            currency: .fixed("CNY"))
        p.settlementIdColumns = ["资金流水单号"]
        // 业务类型: 交易 payments, 退款 refunds, 提现 withdrawals to the bank, 扣除手续费 fees, others adjust
        p.kind = .init(
            column: "业务类型",
            values: ["交易": .payment, "退款": .refund, "提现": .payout, "扣除手续费": .fee, "手续费": .fee],
            otherwise: .adjustment)
        p.timeColumn = "记账时间"
        p.timeZoneOffsetSeconds = chinaTime
        p.endMarkers = ["资金流水总笔数"]
        p.summary = .rows(
            firstName: "资金流水总笔数",
            figures: [
                "资金流水总笔数": .count, "收入笔数": .countWhere(column: "收支类型", values: ["收入"]),
                "收入金额": .sumWhere(column: "收支金额(元)", whereColumn: "收支类型", values: ["收入"]),
                "支出笔数": .countWhere(column: "收支类型", values: ["支出"]),
                "支出金额": .sumWhere(column: "收支金额(元)", whereColumn: "收支类型", values: ["支出"]),
            ])
        return p
    }

    static var personalBill: TableProfile {
        var p = TableProfile(
            name: "wechatpay-personal",
            description: "WeChat Pay personal bill export (微信支付账单明细): 金额 (¥) signed by 收/支; the "
                + "preamble's 收入/支出/中性交易 counts and sums checked",
            signature: ["交易时间", "交易类型", "交易对方", "收/支", "金额(元)", "当前状态", "交易单号"],
            keyColumns: ["商户单号", "交易单号"],
            amount: .directed(amount: "金额(元)", direction: "收/支", credit: ["收入"], debit: ["支出"]),
            currency: .fixed("CNY"))
        p.settlementIdColumns = ["交易单号"]
        p.status = .init(
            column: "当前状态",
            values: [
                "支付成功": .settled, "已存入零钱": .settled, "已转账": .settled, "已收钱": .settled, "朋友已收钱": .settled,
                "对方已收钱": .settled, "已到账": .settled, "提现已到账": .settled, "充值完成": .settled, "充值成功": .settled,
                "已全额退款": .refunded, "已退款": .refunded, "对方已退还": .refunded, "已退还": .refunded,
                "交易关闭": .failed, "支付失败": .failed,
            ])
        p.timeColumn = "交易时间"
        p.timeZoneOffsetSeconds = chinaTime
        p.summary = .lines([
            "收入": .init(column: "收/支", values: ["收入"], sumColumn: "金额(元)"),
            "支出": .init(column: "收/支", values: ["支出"], sumColumn: "金额(元)"),
            "中性交易": .init(column: "收/支", values: ["/"], sumColumn: "金额(元)"),
        ])
        return p
    }
}
