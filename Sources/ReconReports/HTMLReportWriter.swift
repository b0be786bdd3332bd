import PaymentModels

/// `report.html`: one self-contained page a finance person opens from an email. No external
/// scripts, fonts or images: the charts are inline SVG, the search box and kind filter a few
/// lines of inline script. Every amount is written with its currency's exponent. A link may
/// open the page filtered: `report.html#kind=payout_mismatch&q=stripe`.
public struct HTMLReportWriter: ReportWriter {
    public init() {}
    public var fileName: String { "report.html" }
    /// Findings listed in the page; all of them are in discrepancies.csv.
    public static let findingsListedMax = 2_000

    public func write(_ report: RunReport, to file: OutputFile) throws(OutputError) {
        try file.write(Self.render(report))
    }

    public static func render(_ report: RunReport) -> String {
        let r = report.result
        var out = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Reconciliation report</title>
            <style>\(style)</style>
            </head><body>
            <h1>Reconciliation report</h1>

            """
        out += headline(report)
        out += "<h2>Totals per provider and currency</h2>\n" + totalsTable(r)
        if !r.conversions.isEmpty { out += "<h2>Currency conversions</h2>\n" + conversionsTable(r) }
        out += "<h2>Findings by kind</h2>\n<div class=\"charts\">" + countChart(report) + amountCharts(r) + "</div>\n"
        if !r.payouts.isEmpty { out += "<h2>Payout tie-out</h2>\n" + payoutTable(r) }
        out += "<h2>Discrepancies</h2>\n" + findingsTable(r, kinds: report.countsByKind.filter { $0.1 > 0 }.map(\.0))
        if !r.inTransit.isEmpty { out += "<h2>In transit</h2>\n" + inTransitTable(r) }
        if let open = report.exceptions { out += "<h2>Exceptions</h2>\n" + exceptionTables(open) }
        if !report.rejects.isEmpty { out += "<h2>Rejected records</h2>\n" + rejectsTable(report) }
        out += "<h2>Inputs</h2>\n" + inputsTable(report)
        out += "<script>\(script)</script>\n</body></html>\n"
        return out
    }

    static func headline(_ report: RunReport) -> String {
        let r = report.result
        let ok = report.verify().isEmpty
        var cards: [(String, String, String)] = [
            ("matched", "\(r.matched)", "ok"),
            ("discrepancies", "\(r.discrepancies.count)", r.discrepancies.isEmpty ? "ok" : "bad"),
            ("not expected", "\(r.payments.notExpected)", ""), ("in transit", "\(r.inTransit.count)", ""),
            ("rejected", "\(report.rejects.count)", report.rejects.isEmpty ? "ok" : "bad"),
        ]
        if !r.payouts.isEmpty { cards.append(("payouts", "\(r.payouts.count)", "")) }
        var out = "<div class=\"cards\">"
        for (label, value, tone) in cards {
            out +=
                "<div class=\"card \(tone)\"><div class=\"value\">\(value)</div>"
                + "<div class=\"label\">\(label)</div></div>"
        }
        out += "</div>\n<p class=\"conservation \(ok ? "ok" : "bad")\">"
        out += "Payments: \(r.payments.read) read, settlement lines: \(r.settlement.read) read"
        if let bank = r.bank { out += ", bank entries: \(bank.read) read" }
        out += ok ? ". Every record is accounted for." : ". THE COUNTS DO NOT ADD UP."
        return out + "</p>\n"
    }

    static func totalsTable(_ r: ReconciliationResult) -> String {
        var out =
            "<table><thead><tr><th>provider</th><th>currency</th><th class=n>expected</th><th class=n>settled</th>"
        out += "<th class=n>fees</th><th class=n>net</th><th class=n>difference</th></tr></thead><tbody>\n"
        let rows = r.totalsByProvider.map { ($0.provider, $0.totals) } + r.totals.map { ("all", $0) }
        for (provider, t) in rows {
            let f = { (v: Total) in "\(MinorUnits.grouped(v, exponent: t.currency.exponent)) \(t.currency.code)" }
            out +=
                "<tr\(provider == "all" ? " class=total" : "")><td>\(escape(provider))</td><td>\(t.currency.code)</td>"
            out += "<td class=n>\(f(t.expected))</td><td class=n>\(f(t.settled))</td><td class=n>\(f(t.fees))</td>"
            out +=
                "<td class=n>\(f(t.net))</td><td class=\"n\(t.difference != 0 ? " bad" : "")\">"
                + "\(f(t.difference))</td></tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    /// Converted lines per provider and currency pair: gross at the stated rates, net + fees.
    static func conversionsTable(_ r: ReconciliationResult) -> String {
        var out = "<table><thead><tr><th>provider</th><th>from</th><th>to</th><th class=n>lines</th>"
        out += "<th class=n>gross at stated rate</th><th class=n>net + fees</th><th class=n>FX difference</th>"
        out += "</tr></thead><tbody>\n"
        for c in r.conversions {
            let f = { (v: Total) in "\(MinorUnits.grouped(v, exponent: c.to.exponent)) \(c.to.code)" }
            out += "<tr><td>\(escape(c.provider))</td><td>\(c.from.code)</td><td>\(c.to.code)</td>"
            out += "<td class=n>\(c.lines)</td><td class=n>\(f(c.grossAtRate))</td><td class=n>\(f(c.netAndFees))</td>"
            out += "<td class=\"n\(c.difference != 0 ? " bad" : "")\">\(f(c.difference))</td></tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    /// A horizontal bar chart: one bar per label, scaled to the largest value.
    static func barChart(title: String, bars: [(label: String, value: Total, text: String)]) -> String {
        let height = 24
        let top = 28
        let labelWidth = 190
        let barWidth = 300
        let largest = max(1, bars.map(\.value).max() ?? 1)
        var svg =
            "<svg class=\"chart\" role=\"img\" aria-label=\"\(escape(title))\" "
            + "width=\"\(labelWidth + barWidth + 110)\" "
        svg += "height=\"\(top + height * bars.count + 8)\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<text x=\"0\" y=\"16\" class=\"title\">\(escape(title))</text>"
        for (i, bar) in bars.enumerated() {
            let y = top + i * height
            let width = bar.value == 0 ? 0 : max(2, Int(bar.value * Total(barWidth) / largest))
            svg += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 16)\" text-anchor=\"end\">\(escape(bar.label))</text>"
            svg +=
                "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(width)\" height=\"\(height - 8)\" rx=\"2\"></rect>"
            svg += "<text x=\"\(labelWidth + width + 6)\" y=\"\(y + 16)\">\(escape(bar.text))</text>"
        }
        return svg + "</svg>"
    }

    /// The findings per kind, scaled to the largest finding: the matched count (in the
    /// headline) would dwarf them, so it is not a bar.
    static func countChart(_ report: RunReport) -> String {
        let r = report.result
        var bars: [(String, Total, String)] = []
        for (kind, count) in report.countsByKind where count > 0 { bars.append((kind.code, Total(count), "\(count)")) }
        if !r.inTransit.isEmpty { bars.append(("in_transit", Total(r.inTransit.count), "\(r.inTransit.count)")) }
        if !report.rejects.isEmpty { bars.append(("rejected", Total(report.rejects.count), "\(report.rejects.count)")) }
        guard !bars.isEmpty else { return "<p class=ok>No findings: \(r.matched) matched.</p>" }
        return barChart(title: "Findings per kind (\(r.matched) matched, not charted)", bars: bars)
    }

    /// The rejected records: where, which field, why (the first ones; all are in rejects.csv).
    static func rejectsTable(_ report: RunReport) -> String {
        let listed = report.rejects.prefix(findingsListedMax)
        var out =
            report.rejects.count > listed.count
            ? "<p>The first \(listed.count) of \(report.rejects.count); all are in rejects.csv.</p>\n" : ""
        out += "<table id=\"rejects\"><thead><tr><th>source</th><th>field</th><th>reason</th></tr></thead><tbody>\n"
        for reject in listed {
            out += "<tr><td class=src>\(escape(reject.source.description))</td><td>\(escape(reject.field))</td>"
            out += "<td>\(escape(reject.reason))</td></tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    /// Per currency (the four with most findings): the money each kind puts in question, the
    /// difference where the amounts differ, else the amount itself.
    static func amountCharts(_ r: ReconciliationResult) -> String {
        var sums: [Currency: [Total]] = [:]
        var counts: [Currency: Int] = [:]
        let findings = r.discrepancies
        for i in findings.indices {  // fields read in place: a copy per finding retains its strings
            // the difference where there is one; else (a status, a missing or unexpected line) the amount
            let nonzero = findings[i].difference.flatMap { $0.minorUnits == 0 ? nil : $0 }
            guard let money = nonzero ?? findings[i].expected ?? findings[i].actual else { continue }
            sums[money.currency, default: [Total](repeating: 0, count: Discrepancy.Kind.allCases.count)][
                findings[i].kind.precedence] += Total(money.minorUnits.magnitude)
            counts[money.currency, default: 0] += 1
        }
        let currencies = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(4)
        return currencies.map { currency, _ in
            let bars = Discrepancy.Kind.allCases.compactMap { kind -> (String, Total, String)? in
                let minor = sums[currency]![kind.precedence]
                let text = "\(MinorUnits.grouped(minor, exponent: currency.exponent)) \(currency.code)"
                return minor == 0 ? nil : (kind.code, minor, text)
            }
            return barChart(title: "Amount in question per kind, \(currency.code)", bars: bars)
        }.joined()
    }

    static func payoutTable(_ r: ReconciliationResult) -> String {
        var out = "<p>gross − fees − refunds − chargebacks ± adjustments = payout, then the bank credit.</p>\n"
        out += "<table><thead><tr><th>provider</th><th>batch</th><th>currency</th><th class=n>payments</th>"
        out += "<th class=n>fees</th><th class=n>refunds</th><th class=n>chargebacks</th><th class=n>adjustments</th>"
        out += "<th class=n>expected payout</th><th class=n>payout</th><th class=n>bank credit</th><th>state</th></tr>"
        out += "</thead><tbody>\n"
        for b in r.payouts {
            let f = { (v: Total) in "\(MinorUnits.grouped(v, exponent: b.currency.exponent)) \(b.currency.code)" }
            let state = b.state(bankGiven: r.bank != nil)
            let tone = state == "tied" ? "ok" : state == "no payout line" ? "" : "bad"
            out += "<tr><td>\(escape(b.provider))</td><td>\(escape(b.batchId))</td><td>\(b.currency.code)</td>"
            out += "<td class=n>\(f(b.payments))</td><td class=n>\(f(b.fees))</td><td class=n>\(f(b.refunds))</td>"
            out += "<td class=n>\(f(b.chargebacks))</td><td class=n>\(f(b.adjustments))</td>"
            out += "<td class=n>\(f(b.expectedPayout))</td><td class=n>\(b.payout.map(f) ?? "")</td>"
            out += "<td class=n>\(b.bankCredit.map { $0.amount.grouped } ?? "")</td>"
            out += "<td class=\"\(tone)\">\(state)</td></tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    /// The findings with a search box and a filter over the `kinds` present.
    static func findingsTable(_ r: ReconciliationResult, kinds: [Discrepancy.Kind]) -> String {
        guard !r.discrepancies.isEmpty else { return "<p class=ok>None.</p>\n" }
        let listed = r.discrepancies.prefix(findingsListedMax)
        var out =
            "<div class=\"filters\"><input id=\"q\" type=\"search\" placeholder=\"Search key, provider, detail…\" "
        out += "aria-label=\"Search\"> <select id=\"kind\" aria-label=\"Kind\"><option value=\"\">all kinds</option>"
        for kind in kinds { out += "<option>\(kind.code)</option>" }
        out += "</select> <span id=\"shown\">\(listed.count)</span> shown"
        if r.discrepancies.count > listed.count {
            out += " (the first \(listed.count) of \(r.discrepancies.count); all are in discrepancies.csv)"
        }
        out += "</div>\n<table id=\"findings\"><thead><tr><th>kind</th><th>key</th><th>provider</th>"
        out += "<th class=n>expected</th><th class=n>actual</th><th class=n>difference</th><th>detail</th>"
        out += "<th>source</th></tr></thead><tbody>\n"
        for d in listed {
            let source = [d.settlementSource, d.paymentSource].compactMap { $0?.description }.first ?? ""
            out += "<tr data-kind=\"\(d.kind.code)\"><td>\(d.kind.code)</td><td>\(escape(d.matchKey))</td>"
            out += "<td>\(escape(d.provider))</td><td class=n>\(d.expected.map(\.grouped) ?? "")</td>"
            out += "<td class=n>\(d.actual.map(\.grouped) ?? "")</td>"
            out += "<td class=n>\(d.difference.map(\.grouped) ?? "")</td><td>\(escape(d.detail))</td>"
            out += "<td class=src>\(escape(source))</td></tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    static func inTransitTable(_ r: ReconciliationResult) -> String {
        var out = "<p>Created, not settled yet, still inside the settlement window: not discrepancies.</p>\n"
        out += "<table><thead><tr><th>key</th><th>provider</th><th class=n>expected</th><th>created</th>"
        out += "<th>due by</th></tr></thead><tbody>\n"
        for t in r.inTransit.prefix(findingsListedMax) {
            out +=
                "<tr><td>\(escape(t.matchKey))</td><td>\(escape(t.provider))</td><td class=n>\(t.expected.grouped)</td>"
            out += "<td>\(t.createdAt)</td><td>\(t.dueBy)</td></tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    static func exceptionTables(_ open: ExceptionsReport) -> String {
        var out = "<p>" + open.byState.map { "\($0.count) \($0.state)" }.joined(separator: ", ")
        out += " (<code>recon exceptions list</code>).</p>\n"
        if !open.decisions.isEmpty {
            out += "<h3>Decided since the run before</h3>\n<table><thead><tr><th>exception</th><th>kind</th>"
            out += "<th>key</th><th>decision</th><th>by</th><th>reason</th></tr></thead><tbody>\n"
            for d in open.decisions {
                out += "<tr><td>\(escape(d.subject))</td><td>\(escape(d.kind))</td><td>\(escape(d.key))</td>"
                out += "<td>\(escape(d.action))</td><td>\(escape(d.by))</td><td>\(escape(d.reason))</td></tr>\n"
            }
            out += "</tbody></table>\n"
        }
        out += "<h3>Open exceptions</h3>\n<p>\(open.items.count) open or assigned, from this night and earlier ones"
        out +=
            open.items.count > ExceptionsReport.listedMax
            ? " (the oldest \(ExceptionsReport.listedMax))</p>\n" : "</p>\n"
        if !open.items.isEmpty {
            out += "<table id=\"exceptions\"><thead><tr><th>exception</th><th>kind</th><th>key</th><th>state</th>"
            out += "<th class=n>age (days)</th><th class=n>at stake</th></tr></thead><tbody>\n"
            for e in open.listed {
                let state = e.assignee.map { "\(e.state) to \($0)" } ?? e.state
                out += "<tr><td>\(escape(e.id))</td><td>\(escape(e.kind))</td><td>\(escape(e.key))</td>"
                out +=
                    "<td>\(escape(state))</td><td class=n>\(e.ageDays)</td><td class=n>\(e.amount.grouped)</td></tr>\n"
            }
            out += "</tbody></table>\n"
        }
        for (title, groups) in [("age since first seen", open.byAge), ("amount", open.byTier)] where !groups.isEmpty {
            out += "<table><thead><tr><th>currency</th><th>\(title)</th><th class=n>count</th><th class=n>total</th>"
            out += "</tr></thead><tbody>\n"
            for g in groups {
                out += "<tr><td>\(g.currency.code)</td><td>\(escape(g.label))</td><td class=n>\(g.count)</td>"
                out += "<td class=n>\(ExceptionsReport.amount(g))</td></tr>\n"
            }
            out += "</tbody></table>\n"
        }
        return out
    }

    static func inputsTable(_ report: RunReport) -> String {
        var out = "<table><thead><tr><th>role</th><th>file</th><th>format</th><th>provider</th>"
        out += "<th class=n>records</th><th class=n>rejected</th></tr></thead><tbody>\n"
        for i in report.inputs {
            out += "<tr><td>\(i.role.rawValue)</td><td>\(escape(i.path))</td><td>\(escape(i.format))</td>"
            out += "<td>\(escape(i.provider))</td><td class=n>\(i.records)</td>"
            out += "<td class=\"n\(i.rejected > 0 ? " bad" : "")\">\(i.rejected)</td></tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    /// Text safe inside HTML elements and quoted attributes.
    static func escape(_ text: String) -> String {
        // most keys and details need nothing: hand them back without building a new string
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2433;background:#fff}
        h1{font-size:22px;margin:0 0 16px}h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid #dde2ea}
        table{border-collapse:collapse;width:100%;margin:6px 0}th,td{padding:4px 8px;border-bottom:1px solid #eceff4;
        text-align:left;vertical-align:top}th{background:#f5f7fa;font-weight:600}td.n,th.n{text-align:right;
        font-variant-numeric:tabular-nums;white-space:nowrap}tr.total td{font-weight:600;background:#fafbfc}
        .cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #dde2ea;border-radius:6px;padding:10px 16px;
        min-width:110px}.card .value{font-size:24px;font-weight:600}.card .label{color:#5b6475}
        .ok{color:#17703a}.bad{color:#b3261e}.card.ok .value{color:#17703a}.card.bad .value{color:#b3261e}
        .charts{display:flex;gap:24px;flex-wrap:wrap}.chart text{font-size:12px;fill:#1d2433}
        .chart .title{font-weight:600}
        .chart rect{fill:#3d6fb6}.filters{margin:6px 0}#q{width:320px;padding:4px 6px}td.src{color:#5b6475;
        font-size:12px}tr[hidden]{display:none}
        """

    static let script = """
        (function(){var q=document.getElementById('q'),k=document.getElementById('kind');if(!q)return;
        var rows=Array.prototype.slice.call(document.querySelectorAll('#findings tbody tr'));
        function filter(){var t=q.value.toLowerCase(),kind=k.value,n=0;rows.forEach(function(r){
        var show=(!kind||r.getAttribute('data-kind')===kind)&&(!t||r.textContent.toLowerCase().indexOf(t)>=0);
        r.hidden=!show;if(show)n++;});document.getElementById('shown').textContent=n;}
        q.addEventListener('input',filter);k.addEventListener('change',filter);
        var h=new URLSearchParams(location.hash.slice(1));if(h.has('q'))q.value=h.get('q');
        if(h.has('kind'))k.value=h.get('kind');if(h.has('q')||h.has('kind'))filter();})();
        """
}
