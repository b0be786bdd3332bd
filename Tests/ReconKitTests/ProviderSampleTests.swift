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
        ("alipay", "20881234567890123_20240501.csv.zip", "alipay-merchant", 2),
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

/// The example mapping profiles in samples/profiles, from the command line.
@Suite(.serialized) struct ProfileSampleTests {
    @Test(arguments: [
        ("bank-export.yaml", "samples/profiles/bank-export.csv", "example-bank-csv", 4),
        ("ledger-export.yaml", "samples/profiles/ledger-export.json", "example-ledger-json", 2),
        ("camt-entries.yaml", "samples/providers/camt/statement_2024-05-02.camt053.xml", "example-xml-entries", 2),
    ])
    func inspectReadsTheSampleThroughItsProfile(profile: String, file: String, name: String, records: Int) throws {
        let result = try CLI.run(["inspect", "--json", "--profile", "samples/profiles/" + profile, file])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["provider"] as? String == name)
        #expect(object["records"] as? Int == records && object["rejected"] as? Int == 0)
    }

    /// The real PayPal activity download (../shared/fixtures): every row read, the totals exact.
    @Test(.enabled(if: FixtureGoldenTests.present, "../shared/fixtures is not present"))
    func thePayPalActivityDownloadReadsThroughItsProfile() throws {
        let result = try CLI.run([
            "inspect", "--profile", "samples/profiles/paypal-activity-de.yaml",
            FixtureGoldenTests.fixtures + "/paypal_activity/jakobhellermann_paypal_de_activity_sample.csv",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("settlement from paypal-activity-de: 341 records, 0 rejected"), "\(result.stdout)")
        #expect(result.stdout.contains("EUR: credits 5617.22, debits -5616.65, fees 0.57, net 0.00"), "\(result.stdout)")
    }

    /// Keys are trimmed alike on both sides: a created payment whose key is padded with spaces
    /// or a tab matches its settlement line, padded or not, and the reverse.
    @Test func paddedKeysMatchOnBothSides() throws {
        let dir = makeTemporaryDirectory()
        writeFile(
            dir + "/payments.jsonl",
            #"{"reference": " P-1 ", "connectorID": "c", "amount": 100, "type": "PAY-IN", "status": "SUCCEEDED", "asset": "EUR/2"}"#
                + "\n"
                + #"{"reference": "P-2", "connectorID": "c", "amount": 200, "type": "PAY-IN", "status": "SUCCEEDED", "asset": "EUR/2"}"#
                + "\n"
                + #"{"reference": "P-3\t", "connectorID": "c", "amount": 300, "type": "PAY-IN", "status": "SUCCEEDED", "asset": "EUR/2"}"#
                + "\n")
        writeFile(
            dir + "/settlement.csv",
            "settlement_id,reference,gross,currency,status\ns1,P-1,1.00,EUR,settled\ns2,  P-2 ,2.00,EUR,settled\n"
                + "s3,\" P-3\",3.00,EUR,settled\n")
        let result = try CLI.run([
            "reconcile", "--payments", dir + "/payments.jsonl", "--settlement", dir + "/settlement.csv", "--out",
            dir + "/out",
        ])
        #expect(result.status == 0 && result.stderr.contains("3 matched, 0 discrepancies"), "\(result.stderr)")
    }

    /// Several profiles in one run (given one by one, or as their folder): each file is read by
    /// the profile whose header, root or records path it has, any other by detection, and
    /// `inspect` names which read it.
    @Test func severalProfilesEachReadTheirOwnFiles() throws {
        let files = [
            "samples/profiles/typed-records.csv", "samples/profiles/nested-payouts.json",
            "samples/profiles/namespaced-report.xml", "samples/providers/stripe/payout_reconciliation.csv",
            "samples/providers/camt/statement_2024-05-02.camt053.xml",
        ]
        let given = ["typed-records.yaml", "nested-payouts.yaml", "namespaced-report.yaml"].flatMap {
            ["--profile", "samples/profiles/" + $0]
        }
        for profiles in [given, ["--profile", "samples/profiles/"]] {
            let result = try CLI.run(["inspect"] + profiles + files)
            #expect(result.status == 0, "\(result.stderr)")
            let readers = result.stdout.split(separator: "\n").filter { $0.contains("records,") }
                .map { $0.split(separator: " ")[2].trimmingCharacters(in: CharacterSet(charactersIn: ":")) }
            let camt = profiles.count == 2 ? "example-xml-entries" : "camt"  // the folder has a camt profile
            #expect(readers == ["typed-records", "nested-payouts-json", "namespaced-xml", "stripe-report", camt])
            #expect(!result.stdout.contains("rejected") || !result.stdout.contains(" 1 rejected"))
        }
    }

    @Test func theBankExportReconcilesThroughItsProfile() throws {
        let result = try CLI.run([
            "reconcile", "--profile", "samples/profiles/bank-export.yaml", "--payments",
            "samples/profiles/bank-export.payments.jsonl", "--settlement", "samples/profiles/bank-export.csv",
            "--out", makeTemporaryDirectory(),
        ])
        // the two orders match; the bank fee and a booking still pending name no created payment
        #expect(result.status == 1)
        #expect(result.stderr.contains("2 matched, 2 discrepancies, 0 not expected, 0 rejected"), "\(result.stderr)")
    }

    @Test func aBadProfileIsAUsageErrorNamingTheKey() throws {
        let dir = makeTemporaryDirectory()
        writeFile(dir + "/bad.yaml", "name: x\nkey: a\namount: b\ncurrency: c\ndelimeter: \";\"\n")
        let result = try CLI.run(["inspect", "--profile", dir + "/bad.yaml", "samples/profiles/bank-export.csv"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("profile key 'delimeter': unknown key"), "\(result.stderr)")
    }
}
