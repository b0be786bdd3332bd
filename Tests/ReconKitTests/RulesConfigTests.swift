import PaymentModels
import ReconKit
import ReconMatching
import ReconTestSupport
import Testing

@Suite struct RulesConfigTests {
    @Test func readsTolerancesFeesAndWindowsWithoutFloatingPoint() throws {
        let config = try RulesConfig.parse(
            """
            settlement_window_days: 3d
            bank_window_days: 2
            tolerances:
              - currency: EUR
                absolute_minor: 5
              - provider: stripe
                percent: 0.1
            fees:
              - provider: stripe
                currency: EUR
                percent: 1.4
                fixed_minor: 25
                tolerance_minor: 1
            """, file: "rules.yaml")
        #expect(config.settlementWindowDays == 3 && config.bankWindowDays == 2)
        let eur = Currency(code: "EUR")!
        #expect(config.rules.tolerances[0] == AmountTolerance(scope: RuleScope(currency: eur), absoluteMinor: 5))
        #expect(config.rules.tolerances[1].percent.ppm == 1_000)  // 0.1% exactly, not 0.1000000000000000055
        let fee = try #require(config.rules.feeRule(provider: "stripe", currency: eur))
        #expect(fee.percent.ppm == 14_000 && fee.fixedMinor == 25 && fee.toleranceMinor == 1)
        #expect(fee.expectedFee(on: 10_000) == 165)  // 1.4% of 100.00 + 0.25
        #expect(config.rules.feeRule(provider: "adyen", currency: eur) == nil)
        #expect(config.rules.feeRule(provider: "stripe-report", currency: eur) == fee)  // the layout's name
        #expect(config.rules.feeRule(provider: "stripelike", currency: eur) == nil)
    }

    @Test(arguments: [
        ("max_tolerance: 5", "'max_tolerance'", "unknown key"),
        ("tolerances:\n  - absolute: 5", "'tolerances[0].absolute'", "unknown key"),
        ("tolerances:\n  - absolute_minor: -5", "'tolerances[0].absolute_minor'", "0 or more"),
        ("tolerances:\n  - percent: \"-1\"", "'tolerances[0].percent'", "0 or more"),
        ("tolerances:\n  - percent: 0.00001", "'tolerances[0].percent'", "at most 4 decimals"),
        ("tolerances:\n  - absolute_minor: 0.5", "'tolerances[0].absolute_minor'", "whole number of minor units"),
        ("tolerances:\n  - currency: EUR", "'tolerances[0]'", "needs absolute_minor, percent or both"),
        ("settlement_window_days: 72h", "'settlement_window_days'", "whole number of days"),
        ("bank_window_days: 2w", "'bank_window_days'", "whole number of days"),
        ("fees:\n  - provider: stripe", "'fees[0].percent'", "needs its percent"),
        ("fees:\n  - percent: 1\n    currency: EURO", "'fees[0].currency'", "not an ISO 4217"),
        ("key_order: [reference, order_no]", "'key_order[1]'", "not a key field"),
    ])
    func badRulesAreRejectedNamingTheKey(yaml: String, key: String, problem: String) {
        do {
            _ = try RulesConfig.parse(yaml, file: "rules.yaml")
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.description.contains("rules.yaml: config key \(key)"), "\(error)")
            #expect(error.description.contains(problem), "\(error)")
        }
    }

    @Test func theDocumentedSampleReads() throws {
        let config = try RulesConfig.load(path: CLI.root + "/samples/rules.yaml")
        #expect(config.settlementWindowDays == 3 && config.bankWindowDays == 3)
        #expect(config.rules.tolerances.count == 2 && config.rules.fees.count == 1)
        #expect(config.rules.keyOrder.fields.prefix(3) == [.merchantOrderId, .reference, .transactionId])
    }

    @Test func aBadRulesFileStopsTheRunWithExitCode64() throws {
        let dir = makeTemporaryDirectory()
        writeFile(dir + "/rules.yaml", "tolerance: 5\n")
        let result = try CLI.run([
            "reconcile", "--payments", "samples/clean/payments.jsonl", "--settlement", "samples/clean/settlement.csv",
            "--rules", dir + "/rules.yaml", "--out", dir + "/out",
        ])
        #expect(result.status == 64)
        #expect(result.stderr.contains("config key 'tolerance': unknown key"), "\(result.stderr)")
    }
}
