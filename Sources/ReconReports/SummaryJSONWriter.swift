import PaymentModels

/// `summary.json`: inputs, counts per kind, totals per currency, unknown statuses and the
/// conservation block that shows every input record accounted for.
public struct SummaryJSONWriter: ReportWriter {
    public init() {}
    public var fileName: String { "summary.json" }

    public func write(_ report: RunReport, to file: OutputFile) throws(OutputError) {
        try file.write(Self.render(report) + "\n")
    }

    public static func render(_ report: RunReport) -> String {
        let r = report.result
        let inputs = report.inputs.map { input in
            var members: [(String, String)] = [
                ("role", JSONText.string(input.role.rawValue)), ("path", JSONText.string(input.path)),
                ("container", JSONText.string(input.container)), ("format", JSONText.string(input.format)),
                ("provider", JSONText.string(input.provider)), ("records", "\(input.records)"),
                ("rejected", "\(input.rejected)"),
            ]
            if let fatal = input.fatalError { members.append(("error", JSONText.string(fatal))) }
            if input.encodingGuessed { members.append(("encoding_guessed", JSONText.string(input.encoding))) }
            return JSONText.object(members, indent: 2)
        }
        var counts: [(String, String)] = [("matched", "\(r.matched)")]
        counts += report.countsByKind.map { ($0.0.code, "\($0.1)") }
        counts += [
            ("not_expected", "\(r.payments.notExpected)"),
            ("in_transit", "\(r.payments.inTransit)"),
            ("rejected", "\(r.payments.rejected + r.settlement.rejected)"),
        ]
        let byField = KeyField.allCases.compactMap { field in
            r.matchedByField[field].map { (field.code, "\($0)") }
        }
        func money(_ t: CurrencyTotals, indent: Int) -> String {
            JSONText.object(
                [
                    ("expected", amount(t.expected, t.currency)), ("settled", amount(t.settled, t.currency)),
                    ("fees", amount(t.fees, t.currency)), ("net", amount(t.net, t.currency)),
                    ("difference", amount(t.difference, t.currency)),
                ], indent: indent)
        }
        let totals = r.totals.map { t in (t.currency.code, money(t, indent: 2)) }
        let byProvider = r.totalsByProvider.map { p in
            JSONText.object(
                [("provider", JSONText.string(p.provider)), ("currency", JSONText.string(p.totals.currency.code))]
                    + [("totals", money(p.totals, indent: 3))], indent: 2)
        }
        let unknown = r.unknownStatuses.map {
            JSONText.object(
                [
                    ("side", JSONText.string($0.side)), ("system", JSONText.string($0.system)),
                    ("status", JSONText.string($0.raw)), ("count", "\($0.count)"),
                ], indent: 2)
        }
        return JSONText.object(
            [
                ("recon_version", JSONText.string(report.version)),
                ("inputs", JSONText.array(inputs, indent: 1)),
                ("counts", JSONText.object(counts, indent: 1)),
                ("matched_by_key_field", JSONText.object(byField, indent: 1)),
                (
                    "matched_by_rule",
                    JSONText.object(
                        r.matchedByRule.sorted { $0.key < $1.key }.map { ($0.key, "\($0.value)") }, indent: 1)
                ),
                ("totals", JSONText.object(totals, indent: 1)),
                ("totals_by_provider", JSONText.array(byProvider, indent: 1)),
                ("unknown_statuses", JSONText.array(unknown, indent: 1)),
                ("payouts", JSONText.array(r.payouts.map { payout($0, bankGiven: r.bank != nil) }, indent: 1)),
                ("conversions", JSONText.array(r.conversions.map(conversion), indent: 1)),
                ("conservation", conservation(report)),
            ] + (report.configSHA256.map { [("manifest", manifest(report, config: $0))] } ?? [])
                + (report.exceptions.map { [("exceptions", exceptionsSection($0))] } ?? []))
    }

    static func exceptionsSection(_ open: ExceptionsReport) -> String {
        func groups(_ groups: [ExceptionsReport.Group], _ name: String) -> String {
            JSONText.array(
                groups.map { g in
                    JSONText.object(
                        [
                            ("currency", JSONText.string(g.currency.code)), (name, JSONText.string(g.label)),
                            ("count", "\(g.count)"), ("total", ExceptionsReport.amount(g)),
                        ], indent: 3)
                }, indent: 2)
        }
        let decisions = open.decisions.map { d in
            JSONText.object(
                [
                    ("exception", JSONText.string(d.subject)), ("kind", JSONText.string(d.kind)),
                    ("key", JSONText.string(d.key)), ("decision", JSONText.string(d.action)),
                    ("by", JSONText.string(d.by)), ("reason", JSONText.string(d.reason)),
                ], indent: 3)
        }
        return JSONText.object(
            [
                ("by_state", JSONText.object(open.byState.map { ($0.state, "\($0.count)") }, indent: 2)),
                ("decided_since_the_run_before", JSONText.array(decisions, indent: 2)),
                ("open", "\(open.items.count)"), ("by_age", groups(open.byAge, "age")),
                ("by_tier", groups(open.byTier, "tier")),
            ], indent: 1)
    }

    /// What a store run ran with: recon's version, each input file's SHA-256, the rules' and
    /// configuration's (the audit log keeps the SHA-256 of this block with the run).
    public static func manifest(_ report: RunReport, config: String) -> String {
        let inputs = report.inputs.compactMap { input in
            input.sha256.map { hash in
                JSONText.object(
                    [
                        ("role", JSONText.string(input.role.rawValue)), ("path", JSONText.string(input.path)),
                        ("sha256", JSONText.string(hash)),
                    ], indent: 3)
            }
        }
        return JSONText.object(
            [
                ("recon_version", JSONText.string(report.version)), ("inputs", JSONText.array(inputs, indent: 2)),
                ("config_sha256", JSONText.string(config)),
            ], indent: 1)
    }

    /// A provider's converted lines: gross at the stated rates against net + fees.
    static func conversion(_ c: ConversionTotal) -> String {
        JSONText.object(
            [
                ("provider", JSONText.string(c.provider)), ("from", JSONText.string(c.from.code)),
                ("to", JSONText.string(c.to.code)), ("lines", "\(c.lines)"), ("with_rate", "\(c.withRate)"),
                ("gross_at_rate", amount(c.grossAtRate, c.to)), ("net_and_fees", amount(c.netAndFees, c.to)),
                ("fx_difference", amount(c.difference, c.to)),
            ], indent: 2)
    }

    static func amount(_ minor: some BinaryInteger, _ currency: Currency) -> String {
        JSONText.string(MinorUnits.format(minor, exponent: currency.exponent))
    }

    static func payout(_ b: PayoutBatch, bankGiven: Bool) -> String {
        var fields: [(String, String)] = [
            ("provider", JSONText.string(b.provider)), ("batch_id", JSONText.string(b.batchId)),
            ("currency", JSONText.string(b.currency.code)), ("lines", "\(b.lines)"),
            ("payments", amount(b.payments, b.currency)), ("fees", amount(b.fees, b.currency)),
            ("refunds", amount(b.refunds, b.currency)), ("chargebacks", amount(b.chargebacks, b.currency)),
            ("adjustments", amount(b.adjustments, b.currency)),
            ("expected_payout", amount(b.expectedPayout, b.currency)),
            ("payout", b.payout.map { amount($0, b.currency) } ?? "null"),
        ]
        if let credit = b.bankCredit {
            fields.append(("bank_credit", amount(credit.amount.minorUnits, credit.amount.currency)))
            fields.append(("bank_matched_by", JSONText.string(credit.matchedBy)))
        }
        fields.append(("state", JSONText.string(b.state(bankGiven: bankGiven))))
        return JSONText.object(fields, indent: 2)
    }

    static func conservation(_ report: RunReport) -> String {
        func side(_ s: SideCounts) -> String {
            JSONText.object(
                [
                    ("read", "\(s.read)"), ("matched", "\(s.matched)"), ("discrepant", "\(s.discrepant)"),
                    ("not_expected", "\(s.notExpected)"), ("in_transit", "\(s.inTransit)"),
                    ("rejected", "\(s.rejected)"), ("account_items", "\(s.accountItems)"),
                    ("balanced", s.balances ? "true" : "false"),
                ], indent: 2)
        }
        return JSONText.object(
            [
                ("payments", side(report.result.payments)),
                ("settlement", side(report.result.settlement)),
            ] + (report.result.bank.map { [("bank", side($0))] } ?? []) + [
                ("balanced", report.verify().isEmpty ? "true" : "false")
            ], indent: 1)
    }
}
