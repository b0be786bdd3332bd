import PaymentModels
import ReconIngest

/// Alipay bills (FORMATS.md), GBK text converted on reading: the merchant bill (对账单 detail
/// between `#…业务明细列表…` markers, `#交易合计` trailers), and the two personal exports (the
/// 2023 app bill with its 收入/支出/不计收支 preamble, the older web trade list with its
/// 已收入/已支出 footer). IDs end with a tab, cells are space-padded; China time; yuan.
enum AlipayBill {
    static let chinaTime: Int64 = 8 * 3600

    static var merchantBill: TableProfile {
        var p = TableProfile(
            name: "alipay-merchant",
            description: "Alipay merchant bill (对账单 业务明细): 商家实收 signed (refunds negative), 服务费; "
                + "#交易合计/#退款合计 trailers checked",
            signature: ["支付宝交易号", "商户订单号", "业务类型", "商家实收（元）"],
            keyColumns: ["商户订单号", "支付宝交易号", "退款批次号/请求号"],
            amount: .signed("商家实收（元）"), currency: .fixed("CNY"))
        p.settlementIdColumns = ["支付宝交易号"]
        p.feeColumns = ["服务费（元）"]
        // both business types are money that moved; a refund row (negative 商家实收) is a refund
        p.status = .init(column: "业务类型", values: ["交易": .settled, "退款": .settled])
        p.kind = .init(column: "业务类型", values: ["交易": .payment, "退款": .refund])
        p.timeColumn = "完成时间"
        p.timeZoneOffsetSeconds = chinaTime
        p.knownEncoding = .gb18030  // Alipay writes its bills in GBK
        p.endMarkers = ["#"]
        p.summary = .lines([
            "交易合计": .init(column: "业务类型", values: ["交易"], sumColumn: "商家实收（元）"),
            "退款合计": .init(column: "业务类型", values: ["退款"], sumColumn: "商家实收（元）"),
        ])
        p.batchByDay = true  // paid out per bill day
        return p
    }

    static var appBill: TableProfile {
        var p = TableProfile(
            name: "alipay-personal",
            description: "Alipay personal bill (app export): 金额 signed by 收/支; the preamble's "
                + "收入/支出/不计收支 counts and sums checked",
            signature: ["交易时间", "交易分类", "交易对方", "收/支", "金额", "交易状态", "交易订单号"],
            keyColumns: ["商家订单号", "交易订单号"],
            amount: .directed(amount: "金额", direction: "收/支", credit: ["收入"], debit: ["支出"]),
            currency: .fixed("CNY"))
        p.settlementIdColumns = ["交易订单号"]
        p.status = statuses(column: "交易状态")
        p.timeColumn = "交易时间"
        p.timeZoneOffsetSeconds = chinaTime
        p.knownEncoding = .gb18030  // Alipay writes its bills in GBK
        p.summary = .lines([
            "收入": .init(column: "收/支", values: ["收入"], sumColumn: "金额"),
            "支出": .init(column: "收/支", values: ["支出"], sumColumn: "金额"),
            "不计收支": .init(column: "收/支", values: ["不计收支"], sumColumn: "金额"),
        ])
        return p
    }

    static var webTradeList: TableProfile {
        var p = TableProfile(
            name: "alipay-web-tradelist",
            description: "Alipay web trade list (支付宝交易记录明细查询): 金额（元） signed by 收/支, 服务费; the "
                + "已收入/待收入/已支出/待支出 footer checked",
            signature: ["交易号", "商家订单号", "交易创建时间", "金额（元）", "收/支", "交易状态"],
            keyColumns: ["商家订单号", "交易号"],
            amount: .directed(amount: "金额（元）", direction: "收/支", credit: ["收入"], debit: ["支出"]),
            currency: .fixed("CNY"))
        p.settlementIdColumns = ["交易号"]
        p.feeColumns = ["服务费（元）"]
        p.status = statuses(column: "交易状态")
        p.timeColumn = "交易创建时间"
        p.timeZoneOffsetSeconds = chinaTime
        p.knownEncoding = .gb18030  // Alipay writes its bills in GBK
        p.endMarkers = ["-----"]
        p.summary = .lines(
            Dictionary(
                uniqueKeysWithValues: ["已收入", "待收入", "已支出", "待支出"].map {
                    ($0, TableProfile.LineFigure(column: "资金状态", values: [$0], sumColumn: "金额（元）"))
                }))
        return p
    }

    static func statuses(column: String) -> TableProfile.StatusRule {
        .init(
            column: column,
            values: [
                "交易成功": .settled, "支付成功": .settled, "还款成功": .settled, "已到账": .settled, "交易完成": .settled,
                "等待确认收货": .pending, "等待付款": .pending, "处理中": .pending, "交易关闭": .failed,
                "退款成功": .refunded, "已退款": .refunded,
            ])
    }
}
