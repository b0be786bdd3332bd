import Foundation
import ReconTestSupport
import Testing

/// Every provider sample in samples/providers (written from the documented formats) reconciles
/// cleanly against its created payments from the `recon` command, is read by the right adapter,
/// and every total the file states about itself ties.
@Suite(.serialized) struct ProviderSampleTests {
    static let samples: [(folder: String, file: String, adapter: String, matched: Int)] = [
        ("adyen", "settlement_detail_report_batch_42.csv", "adyen-settlement", 3),
        ("alipay", "20881234567890123_20240501_业务明细.csv", "alipay-merchant", 2),
        ("camt", "statement_2024-05-02.camt053.xml", "camt", 2),
        ("paypal", "STL-20240501.01.009.CSV", "paypal-stl", 2),
        ("stripe", "balance_transactions.json", "stripe-api", 3),
        ("stripe", "payout_reconciliation.csv", "stripe-report", 3),
        ("vipps", "settlement-report.csv", "vipps-csv", 2),
        ("wechatpay", "tradebill_ALL_2024-05-01.csv", "wechatpay-tradebill", 2),
    ]

    @Test(arguments: samples.indices)
    func sampleReconcilesCleanly(index: Int) throws {
        let s = Self.samples[index]
        let dir = "samples/providers/\(s.folder)/"
        let result = try CLI.run([
            "reconcile", "--payments", dir + "payments.jsonl", "--settlement", dir + s.file, "--out",
            makeTemporaryDirectory(),
        ])
        #expect(result.status == 0, "\(s.file): \(result.stderr)")
        #expect(result.stderr.contains("\(s.matched) matched, 0 discrepancies, 0 not expected, 0 rejected"), "\(result.stderr)")
    }

    @Test(arguments: samples.indices)
    func inspectNamesTheAdapterAndTheTotalsTie(index: Int) throws {
        let s = Self.samples[index]
        let result = try CLI.run(["inspect", "--json", "samples/providers/\(s.folder)/\(s.file)"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
        #expect(object["provider"] as? String == s.adapter)
        #expect(object["rejected"] as? Int == 0)
        let totals = object["control_totals"] as? [[String: Any]] ?? []
        #expect(totals.allSatisfy { $0["ties"] as? Bool == true }, "\(totals)")
        if ["camt", "alipay", "wechatpay", "paypal"].contains(s.folder) {
            #expect(!totals.isEmpty, "\(s.file) states totals that were not checked")
        }
    }
}
