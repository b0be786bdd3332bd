import Foundation
import ReconTestSupport
import Testing

/// Each quirk real Adyen, PayPal and Stripe exports showed, as its own sample under
/// samples/providers/*/quirks, read by `recon normalize`: every record's kind, signed gross and
/// currency, fee, net, settlement currency and rate, batch and key, against a reviewed golden
/// (Goldens/quirks/; RECORD_SNAPSHOTS=1 rewrites them, then review the diff).
@Suite struct ProviderQuirkGoldenTests {
    static let samples = [
        "adyen/quirks/net_only_rows.csv", "adyen/quirks/fx_rows.csv", "adyen/quirks/chargebacks.csv",
        "adyen/quirks/v49_metadata_integers.csv", "paypal/quirks/stl_two_spaces_dr_cr.csv",
        "paypal/quirks/stl_conversion.csv", "stripe/quirks/itemized_created_dispute_reversal.csv",
    ]

    /// One line per record: `kind gross currency | fee net settlement-currency rate | batch | key`.
    static func records(_ path: String, profile: String? = nil) throws -> String {
        let result = try CLI.run(["normalize", "--json-lines"] + (profile.map { ["--profile", $0] } ?? []) + [path])
        #expect(result.status == 0, "\(path): \(result.stderr)")
        var out = ""
        for line in result.stdout.split(separator: "\n") {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
            func v(_ name: String) -> String { o[name] ?? "-" }
            out += "\(v("kind")) \(v("amount")) \(v("currency")) | fee \(v("fee")) net \(v("net"))"
            out += " \(v("settlement_currency")) rate \(v("exchange_rate")) | batch \(v("batch")) | key \(v("key"))\n"
        }
        return out
    }

    @Test(arguments: samples)
    func readsAsTheGoldenSays(sample: String) throws {
        let text = try Self.records("samples/providers/" + sample)
        let golden = CLI.root + "/Tests/ReconKitTests/Goldens/quirks/" + sample.replacingOccurrences(of: "/", with: "_")
            + ".txt"
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" { writeFile(golden, text) }
        #expect(text == readFile(golden), "\(sample) reads differently from \(golden)")
        let inspect = try CLI.run(["inspect", "samples/providers/" + sample])
        #expect(!inspect.stdout.contains("DOES NOT TIE") && inspect.stdout.contains(", 0 rejected"), "\(inspect.stdout)")
    }

    /// The example profiles (each 15 lines or fewer, written from docs/PROFILES.md): a typed CSV
    /// with header, detail and footer records, a JSON export with nested arrays, an XML export
    /// with namespace prefixes, and the real PayPal activity download. Each reads as its golden
    /// says, nothing rejected, and every total the file states ties.
    @Test(arguments: [
        ("typed-records.yaml", "samples/profiles/typed-records.csv", 4),
        ("nested-payouts.yaml", "samples/profiles/nested-payouts.json", 0),
        ("namespaced-report.yaml", "samples/profiles/namespaced-report.xml", 0),
        ("paypal-activity-de.yaml", "../shared/fixtures/paypal_activity/jakobhellermann_paypal_de_activity_sample.csv", 1),
    ])
    func profilesReadAsTheirGoldensSay(profile: String, file: String, totals: Int) throws {
        guard FileManager.default.fileExists(atPath: CLI.root + "/" + file) else { return }  // ../shared absent
        let path = "samples/profiles/" + profile
        let text = try Self.records(file, profile: path)
        let golden = CLI.root + "/Tests/ReconKitTests/Goldens/quirks/profile_" + profile + ".txt"
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" { writeFile(golden, text) }
        #expect(text == readFile(golden), "\(profile) reads differently from \(golden)")
        let lines = (readFile(CLI.root + "/" + path) ?? "").split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(profile.hasPrefix("paypal") || lines.count <= 15, "\(profile) has \(lines.count) lines")
        let inspect = try CLI.run(["inspect", "--json", "--profile", path, file])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
        let stated = object["control_totals"] as? [[String: Any]] ?? []
        #expect(object["rejected"] as? Int == 0 && stated.count == totals, "\(inspect.stdout)")
        #expect(stated.allSatisfy { $0["ties"] as? Bool == true }, "\(stated)")
    }

    /// Each batch ties to its payout line (Adyen in the net currency, Stripe as the sum of its
    /// lines' nets, a dispute fee given back included); matched against its payments, the one
    /// converted line whose net and fee are off its gross at the stated rate is fx_mismatch.
    @Test func batchesTieToTheirPayoutLines() throws {
        for (sample, expected) in [
            ("adyen/quirks/net_only_rows.csv", ""), ("adyen/quirks/chargebacks.csv", ""),
            ("adyen/quirks/v49_metadata_integers.csv", ""), ("adyen/quirks/fx_rows.csv", "fx_mismatch ORDER-2003"),
            ("stripe/quirks/itemized_created_dispute_reversal.csv", ""),
        ] {
            let out = makeTemporaryDirectory()
            var payments = "samples/providers/" + sample.replacingOccurrences(of: ".csv", with: ".payments.jsonl")
            if readFile(payments) == nil { payments = "samples/clean/payments.jsonl" }  // none of these keys
            _ = try CLI.run([
                "reconcile", "--payments", payments, "--settlement", "samples/providers/" + sample, "--out", out,
            ])
            let payouts = try #require(readFile(out + "/payouts.csv"), "\(sample)")
            let rows = payouts.split(separator: "\n").dropFirst()
            // expected_payout (the lines' sum) and payout (the payout line) are columns 10 and 11
            let tied = rows.map { String($0).components(separatedBy: ",") }
                .allSatisfy { $0.count > 10 && $0[9] == $0[10] }
            #expect(!rows.isEmpty && tied, "\(sample): \(payouts)")
            let found = (readFile(out + "/discrepancies.csv") ?? "").split(separator: "\n").dropFirst()
                .filter { $0.hasPrefix("fx_mismatch") }.map { $0.split(separator: ",").prefix(2).joined(separator: " ") }
            #expect(found.joined(separator: ";") == expected, "\(sample)")
        }
    }
}
