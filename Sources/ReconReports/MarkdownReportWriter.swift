import PaymentModels

/// `report.md`: the human summary for chat and email.
public struct MarkdownReportWriter: ReportWriter {
    public init() {}
    public var fileName: String { "report.md" }
    /// Findings listed in full; the rest are in discrepancies.csv.
    public static let findingsListedMax = 50

    public func write(_ report: RunReport, to file: OutputFile) throws(OutputError) {
        try file.write(Self.render(report))
    }

    public static func render(_ report: RunReport) -> String {
        let r = report.result
        var out = "# Reconciliation report\n\n"
        let discrepancies = r.discrepancies.count
        out += "**\(r.matched) matched, \(discrepancies) discrepancies, \(r.payments.notExpected) not expected, "
        out += "\(r.payments.rejected + r.settlement.rejected) rejected.**\n\n"
        out += "## Inputs\n\n| role | file | format | provider | records | rejected |\n|---|---|---|---|---:|---:|\n"
        for i in report.inputs {
            out += "| \(i.role.rawValue) | \(cell(i.path)) | \(i.container == "gzip" ? "gzip " : "")\(i.format) "
            out += "| \(cell(i.provider)) | \(i.records) | \(i.rejected) |\n"
        }
        out += "\n## Findings\n\n| kind | count |\n|---|---:|\n| matched | \(r.matched) |\n"
        for (kind, count) in report.countsByKind { out += "| \(kind.code) | \(count) |\n" }
        out += "| not_expected | \(r.payments.notExpected) |\n"
        if !r.inTransit.isEmpty { out += "| in_transit | \(r.inTransit.count) |\n" }
        out += "\n## Totals per provider and currency\n\n"
        out += "| provider | currency | expected | settled | fees | net | difference |\n"
        out += "|---|---|---:|---:|---:|---:|---:|\n"
        for (provider, t) in r.totalsByProvider.map({ ($0.provider, $0.totals) }) + r.totals.map({ ("**all**", $0) }) {
            let f = { (v: Total) in "\(MinorUnits.grouped(v, exponent: t.currency.exponent)) \(t.currency.code)" }
            out += "| \(cell(provider)) | \(t.currency.code) | \(f(t.expected)) | \(f(t.settled)) | \(f(t.fees)) "
            out += "| \(f(t.net)) | \(f(t.difference)) |\n"
        }
        if !r.conversions.isEmpty {
            out += "\n## Currency conversions\n\n"
            out += "Lines charged in one currency and paid out in another: their gross at the rates the files "
            out += "state, against the net and fees paid for them.\n\n"
            out += "| provider | from | to | lines | gross at stated rate | net + fees | FX difference |\n"
            out += "|---|---|---|---:|---:|---:|---:|\n"
            for c in r.conversions {
                let f = { (v: Total) in "\(MinorUnits.grouped(v, exponent: c.to.exponent)) \(c.to.code)" }
                out += "| \(cell(c.provider)) | \(c.from.code) | \(c.to.code) | \(c.lines) | \(f(c.grossAtRate)) "
                out += "| \(f(c.netAndFees)) | \(f(c.difference)) |\n"
            }
        }
        if !r.payouts.isEmpty { out += payoutTable(r) }
        if !r.unknownStatuses.isEmpty {
            out += "\n## Unknown statuses\n\nNot guessed: these values are in no status table. "
            out += "Their payments are expected to settle and never a status mismatch.\n\n"
            out += "| side | system | status | count |\n|---|---|---|---:|\n"
            for u in r.unknownStatuses {
                let raw = u.raw.isEmpty ? "(no status)" : cell(u.raw)
                out += "| \(u.side) | \(cell(u.system)) | \(raw) | \(u.count) |\n"
            }
        }
        if discrepancies > 0 {
            out += "\n## Discrepancies"
            out += discrepancies > findingsListedMax ? " (first \(findingsListedMax) of \(discrepancies))\n\n" : "\n\n"
            out += "| kind | key | provider | expected | actual | detail |\n|---|---|---|---:|---:|---|\n"
            for d in r.discrepancies.prefix(findingsListedMax) {
                out += "| \(d.kind.code) | \(cell(d.matchKey)) | \(d.provider) "
                out += "| \(d.expected.map(\.grouped) ?? "") "
                out += "| \(d.actual.map(\.grouped) ?? "") | \(cell(d.detail)) |\n"
            }
        }
        if !r.inTransit.isEmpty {
            let n = r.inTransit.count
            out += "\n## In transit"
            out += n > findingsListedMax ? " (first \(findingsListedMax) of \(n))\n\n" : "\n\n"
            out += "Created, not settled yet, still inside the settlement window: not discrepancies.\n\n"
            out += "| key | provider | expected | created | due by |\n|---|---|---:|---|---|\n"
            for t in r.inTransit.prefix(findingsListedMax) {
                out += "| \(cell(t.matchKey)) | \(t.provider) | \(t.expected.grouped) | \(t.createdAt) | \(t.dueBy) |\n"
            }
        }
        if let open = report.exceptions { out += exceptionTables(open) }
        let ok = report.verify().isEmpty
        out += "\n## Conservation\n\nPayments: \(r.payments.read) read = \(r.payments.matched) matched + "
        out += "\(r.payments.discrepant) discrepant + \(r.payments.notExpected) not expected + "
        if r.payments.inTransit > 0 { out += "\(r.payments.inTransit) in transit + " }
        out += "\(r.payments.rejected) rejected. Settlement: \(r.settlement.read) read = "
        out += "\(r.settlement.matched) matched + \(r.settlement.discrepant) discrepant + "
        if r.settlement.accountItems > 0 {
            out += "\(r.settlement.accountItems) account items (fees, adjustments, payouts) + "
        }
        out += "\(r.settlement.rejected) rejected."
        if let bank = r.bank {
            out += " Bank: \(bank.read) read = \(bank.matched) payout credits + \(bank.notExpected) other entries + "
            out += "\(bank.rejected) rejected."
        }
        out += " \(ok ? "Every record is accounted for." : "DOES NOT ADD UP.")\n"
        return out
    }

    /// The payout tie-out: each batch's parts, its payout and the bank credit that received it.
    /// The store's open exceptions by age and by amount tier, per currency.
    static func exceptionTables(_ open: ExceptionsReport) -> String {
        var out = "\n## Exceptions\n\n"
        out += open.byState.map { "\($0.count) \($0.state)" }.joined(separator: ", ") + " (`recon exceptions list`).\n"
        if !open.decisions.isEmpty {
            out += "\n### Decided since the run before\n\n| exception | kind | key | decision | by | reason |\n"
            out += "|---|---|---|---|---|---|\n"
            for d in open.decisions {
                out +=
                    "| \(d.subject) | \(d.kind) | \(cell(d.key)) | \(d.action) | \(cell(d.by)) | \(cell(d.reason)) |\n"
            }
        }
        out += "\n### Open exceptions\n\n\(open.items.count) open or assigned, from this night and earlier ones"
        out += open.items.count > ExceptionsReport.listedMax ? " (the oldest \(ExceptionsReport.listedMax)):\n" : ":\n"
        if !open.items.isEmpty {
            out += "\n| exception | kind | key | state | age (days) | at stake |\n|---|---|---|---|---:|---:|\n"
            for e in open.listed {
                let state = e.assignee.map { "\(e.state) to \(cell($0))" } ?? e.state
                out += "| \(e.id) | \(e.kind) | \(cell(e.key)) | \(state) | \(e.ageDays) | \(e.amount.grouped) |\n"
            }
        }
        for (title, groups) in [("age since first seen", open.byAge), ("amount", open.byTier)] where !groups.isEmpty {
            out += "\n| currency | \(title) | count | total |\n|---|---|---:|---:|\n"
            for g in groups {
                out += "| \(g.currency.code) | \(g.label) | \(g.count) | \(ExceptionsReport.amount(g)) |\n"
            }
        }
        return out
    }

    static func payoutTable(_ r: ReconciliationResult) -> String {
        var out =
            "\n## Payouts\n\ngross - fees - refunds - chargebacks ± adjustments = payout, then the bank credit.\n\n"
        out += "| provider | batch | payments | fees | refunds | chargebacks | adjustments | expected | payout "
        out += "| bank credit | state |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
        let listed = r.payouts.prefix(findingsListedMax)
        for b in listed {
            let f = { (v: Total) in "\(MinorUnits.grouped(v, exponent: b.currency.exponent)) \(b.currency.code)" }
            out += "| \(cell(b.provider)) | \(cell(b.batchId)) \(b.currency.code) | \(f(b.payments)) | \(f(b.fees)) "
            out += "| \(f(b.refunds)) | \(f(b.chargebacks)) | \(f(b.adjustments)) | \(f(b.expectedPayout)) "
            out += "| \(b.payout.map(f) ?? "") | \(b.bankCredit.map { f(Total($0.amount.minorUnits)) } ?? "") "
            out += "| \(b.state(bankGiven: r.bank != nil)) |\n"
        }
        if r.payouts.count > listed.count {
            out += "\n(first \(listed.count) of \(r.payouts.count); all in payouts.csv)\n"
        }
        return out
    }

    /// Text from the inputs in a table cell: pipes escaped, line breaks as spaces, and HTML and
    /// Markdown link syntax (`<script>`, `<img onerror>`, `[x](javascript:...)`, code spans)
    /// shown as text, never rendered by a Markdown viewer.
    static func cell(_ text: String) -> String {
        text.replacingPipes
    }
}

extension String {
    var replacingPipes: String {
        var out = ""
        for c in unicodeScalars {
            switch c {
            case "|": out += "\\|"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "[", "]", "`": out += "\\" + String(c)  // no link, image or code span
            case "\n", "\r": out += " "
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
