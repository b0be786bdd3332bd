import Foundation
import PaymentModels
import ReconKit
import ReconTestSupport
import Testing

/// `recon inspect` over the real public files in ../shared/fixtures (SOURCES.md there), when
/// that folder is present: what each file reads to, its totals and its own control totals,
/// against reviewed goldens in Goldens/ (RECORD_SNAPSHOTS=1 rewrites them; review the diff).
@Suite struct FixtureGoldenTests {
    static let fixtures = CLI.root + "/../shared/fixtures"
    static let present: Bool = {
        let found = FileManager.default.fileExists(atPath: fixtures)
        if !found {
            FileHandle.standardError.write(
                Data("FixtureGoldenTests: \(fixtures) not found; the golden tests over real files are SKIPPED\n".utf8))
        }
        return found
    }()

    /// Files recon does not read yet, with the reason (the issue excludes the OCR file).
    static let notRead: Set<String> = [
        "vipps_settlement/vipps_OCRV20170114.sample.txt",
        // the XLSX copy of a Swedbank Pay report: refused with its own message (tested below)
        "swedbankpay_settlement/SwedbankPay_R1234-0001-Redovisningsservice.xlsx",
    ]

    /// Files that list no records by design: a camt.052 intraday report of balances only.
    static let balancesOnly: Set<String> = ["camt052/Subite-eu_LT809872649478701594_camt052v06_2024-03-14.xml"]

    static func files(_ folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtures + "/" + folder)) ?? []
        return names.sorted().map { folder + "/" + $0 }.filter { !notRead.contains($0) }
    }

    /// Kinds from real files: Vipps refund-only transactions, camt bank transaction codes and
    /// reversals, WeChat Pay REFUND rows.
    @Test(.enabled(if: present, "../shared/fixtures is not present"))
    func realFilesGiveTheirKinds() throws {
        func kinds(_ file: String) throws -> [String: Int] {
            let result = try CLI.run(["normalize", "--json-lines", Self.fixtures + "/" + file])
            var counts: [String: Int] = [:]
            for line in result.stdout.split(separator: "\n") {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
                counts[object?["kind"] ?? "?", default: 0] += 1
            }
            return counts
        }
        #expect(try kinds("vipps_settlement/vipps_Example-Gross.xml") == ["payment": 30, "refund": 18])
        #expect(try kinds("camt053/viafintech_053_valid_example_v4.xml") == ["payment": 21, "fee": 6, "chargeback": 5])
        #expect(try kinds("wechatpay/gunsluo_tradebill_REFUND_extracted.csv") == ["refund": 2])
    }

    @Test(
        .enabled(if: present, "../shared/fixtures is not present"),
        arguments: [
            "camt052", "camt053", "camt054", "wechatpay", "alipay", "stripe", "vipps_settlement", "blnk_recon",
            "swedbankpay_settlement",
        ])
    func inspectMatchesTheGolden(folder: String) throws {
        var text = ""
        for file in Self.files(folder) {
            let inspection = try Inspector.inspect(Self.fixtures + "/" + file)
            #expect(inspection.rejected == 0, "\(file): \(inspection.errors.map(\.message))")
            if Self.balancesOnly.contains(file) {
                #expect(inspection.records == 0, "\(file) holds balances only")
                #expect(inspection.controlTotals.filter(\.statedOnly).count == 12, "\(file): its 12 balances stated")
            } else {
                #expect(inspection.records > 0, "\(file) read no records")
            }
            text += Inspector.text(inspection).replacingOccurrences(of: Self.fixtures + "/", with: "fixtures/")
        }
        let golden = CLI.root + "/Tests/ReconKitTests/Goldens/\(folder).txt"
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" { writeFile(golden, text) }
        #expect(text == readFile(golden), "inspect output for \(folder) differs from \(golden)")
    }

    /// Swedbank Pay's XLSX copy of its report is refused with a message saying what to use.
    @Test(.enabled(if: present, "../shared/fixtures is not present"))
    func anExcelWorkbookIsRefusedWithItsOwnMessage() throws {
        let result = try CLI.run([
            "inspect", Self.fixtures + "/swedbankpay_settlement/SwedbankPay_R1234-0001-Redovisningsservice.xlsx",
        ])
        #expect(result.status == 65 && result.stderr.contains("an Excel workbook (XLSX)"), "\(result.stderr)")
        #expect(result.stderr.contains("save the sheet as CSV"))
    }

    /// Swedbank Pay's real reports record by record: kind, signed amount, currency, batch, key.
    @Test(
        .enabled(if: present, "../shared/fixtures is not present"),
        arguments: [
            "SwedbankPay_R1234-0001-Redovisningsservice.xml", "SwedbankPay_transaction-list.xml",
            "SwedbankPay_transaktionsstatistik-redovisningsservice.xml",
        ])
    func swedbankPayReadsRecordByRecord(file: String) throws {
        let text = try ProviderQuirkGoldenTests.records(Self.fixtures + "/swedbankpay_settlement/" + file)
        let golden = CLI.root + "/Tests/ReconKitTests/Goldens/records/swedbankpay_" + file + ".txt"
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" { writeFile(golden, text) }
        #expect(text == readFile(golden), "\(file) reads differently from \(golden)")
    }
}
