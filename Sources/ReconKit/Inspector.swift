public import PaymentModels
public import ReconIngest
public import ReconProviders
import ReconReports

/// What `recon inspect` reports for one file.
public struct Inspection: Sendable {
    public struct Totals: Sendable {
        public var currency: Currency
        public var credits: Total = 0
        public var debits: Total = 0
        public var fees: Total = 0
        public var net: Total = 0
    }

    public var path: String
    public var container: String
    public var format: String
    public var kind: String
    public var provider: String
    public var encoding: String
    /// No BOM, not UTF-8 and none given: the encoding is a guess.
    public var encodingGuessed = false
    /// Not UTF-8 and none given, but the format is always in this encoding (Alipay's GBK).
    public var encodingKnown = false
    public var records: Int
    public var rejected: Int
    /// The first rejects, with their positions.
    public var errors: [Reject]
    public var totals: [Totals]
    /// The file's own totals (statement summaries, balances, footers) and whether they tie.
    public var controlTotals: [ControlTotal]
    /// Settlement records per kind (empty for payments), in `SettlementKind` order.
    public var kinds: [(kind: SettlementKind, count: Int)] = []
    /// Payout batches the records name.
    public var batches = 0

    public static let errorsListedMax = 10
    /// Past this many control totals, `inspect` counts the ones that tie and lists the others.
    public static let controlTotalsListedMax = 50
}

/// Detects, reads and totals a file without reconciling it.
public enum Inspector {
    /// A JSON file is read as created payments first; if any of its records is not a created
    /// payment, it is read again as a settlement file, and the reading with fewer rejects wins
    /// (payments on a tie). `forced` always means payments; stdin is read once.
    public static func inspect(
        _ path: String, forced: PaymentSystem? = nil, profiles: [MappingProfile] = [], encoding: TextEncoding? = nil
    ) throws -> Inspection {
        if !profiles.isEmpty {
            let input = try Inputs.open(path, encoding: Inputs.encoding(encoding, profiles))
            if input.format != .json || MappingProfile.choose(profiles, for: input) != nil || profiles.count == 1 {
                return try read(input, path: path, kind: "settlement", forced: nil, profiles: profiles)
            }
        }
        let input = try Inputs.open(path, encoding: encoding)
        if input.format == .json {
            let payments = try read(input, path: path, kind: "payments", forced: forced)
            guard payments.rejected > 0, forced == nil, path != "-" else { return payments }
            let settlement = try read(
                try Inputs.open(path, encoding: encoding), path: path, kind: "settlement", forced: nil)
            return settlement.rejected < payments.rejected ? settlement : payments
        }
        return try read(input, path: path, kind: "settlement", forced: nil)
    }

    /// `inspect` over bytes in memory, as created payments and as settlement (the fuzzer's entry:
    /// whatever the bytes, an inspection or a thrown error, never a trap).
    public static func inspect(bytes: [UInt8], name: String) -> [Inspection] {
        ["payments", "settlement"].compactMap { kind in
            guard let input = try? InputOpener.open(source: MemoryByteSource(bytes, name: name)) else { return nil }
            return try? read(input, path: name, kind: kind, forced: nil)
        }
    }

    static func read(
        _ input: OpenedInput, path: String, kind: String, forced: PaymentSystem?, profiles: [MappingProfile] = []
    ) throws -> Inspection {
        var errors: [Reject] = []
        // a short list, not a dictionary: a file has a handful of currencies and a million rows
        var totals: [Inspection.Totals] = []
        func index(_ currency: Currency) -> Int {
            if let k = totals.firstIndex(where: { $0.currency == currency }) { return k }
            totals.append(Inspection.Totals(currency: currency))
            return totals.count - 1
        }
        // a converted line's gross counts in its charge currency, its fee and net in the
        // currency it was paid out in
        func add(_ amount: Money, fee: Money?, net: Money?) {
            let k = index(amount.currency)
            let gross = Total(amount.minorUnits)
            if gross >= 0 {
                totals[k].credits += gross
            } else {
                totals[k].debits += gross
            }
            let paidIn = fee?.currency ?? net?.currency ?? amount.currency
            let j = paidIn == amount.currency ? k : index(paidIn)
            let charged = Total(fee?.minorUnits ?? 0)
            totals[j].fees += charged
            totals[j].net += net.map { Total($0.minorUnits) } ?? (j == k ? gross - charged : 0)
        }
        let onReject: (Reject) throws -> Void = { if errors.count < Inspection.errorsListedMax { errors.append($0) } }
        var kinds = [Int](repeating: 0, count: SettlementKind.allCases.count)
        var batches = Set<String>()
        var lastBatch: String?
        let stats = try Inputs.rethrowingIO {
            kind == "payments"
                ? try PaymentSourceReader.read(
                    input, path: path, forced: forced, onPayment: { add($0.amount, fee: $0.fee, net: $0.net) },
                    onReject: onReject)
                : try SettlementSourceReader.read(
                    input, path: path, profiles: profiles,
                    onRecord: { record in
                        add(record.gross, fee: record.fee, net: record.net)
                        kinds[Int(record.kind.rawValue)] += 1
                        // rows of one batch come together: hash a batch id only when it changes
                        if let batch = record.payoutBatch, batch != lastBatch {
                            batches.insert(batch)
                            lastBatch = batch
                        }
                    }, onReject: onReject)
        }
        var inspection = Inspection(
            path: path, container: input.container.rawValue, format: stats.format, kind: kind,
            provider: stats.providerList.isEmpty ? "unknown" : stats.providerList,
            encoding: input.encoding.rawValue,
            records: stats.records, rejected: stats.rejected, errors: errors,
            totals: totals.sorted { $0.currency < $1.currency }, controlTotals: stats.controlTotals)
        inspection.encodingGuessed = Inputs.encodingGuessed(input, stats)
        inspection.encodingKnown = !inspection.encodingGuessed && input.encodingGuessed
        inspection.kinds = SettlementKind.allCases.compactMap { k in
            kinds[Int(k.rawValue)] > 0 ? (k, kinds[Int(k.rawValue)]) : nil
        }
        inspection.batches = batches.count
        return inspection
    }

    /// One JSON object per file: `path, format, provider, encoding, records, rejected, errors,
    /// totals, control_totals`.
    public static func json(_ i: Inspection) -> String {
        let errors = i.errors.map {
            "{\"line\": \($0.source.position.line), \"record\": \($0.source.position.record), "
                + "\"byte\": \($0.source.position.byte), \"field\": \(JSONText.string($0.field)), "
                + "\"reason\": \(JSONText.string($0.reason))}"
        }
        let totals = i.totals.map { t in
            let f = { (v: Total) in JSONText.string(MinorUnits.format(v, exponent: t.currency.exponent)) }
            return "\(JSONText.string(t.currency.code)): {\"credits\": \(f(t.credits)), \"debits\": \(f(t.debits)), "
                + "\"fees\": \(f(t.fees)), \"net\": \(f(t.net))}"
        }
        let kinds = i.kinds.map { "\(JSONText.string($0.kind.code)): \($0.count)" }
        return "{\"path\": \(JSONText.string(i.path)), \"container\": \(JSONText.string(i.container)), "
            + "\"format\": \(JSONText.string(i.format)), \"kind\": \(JSONText.string(i.kind)), "
            + "\"provider\": \(JSONText.string(i.provider)), \"encoding\": \(JSONText.string(i.encoding)), "
            + "\"encoding_guessed\": \(i.encodingGuessed), "
            + "\"records\": \(i.records), \"rejected\": \(i.rejected), "
            + "\"errors\": [\(errors.joined(separator: ", "))], "
            + "\"totals\": {\(totals.joined(separator: ", "))}, "
            + "\"kinds\": {\(kinds.joined(separator: ", "))}, "
            + "\"payout_batches\": \(i.batches), "
            + "\"control_totals\": [\(i.controlTotals.map(controlTotalJSON).joined(separator: ", "))]}"
    }

    static func controlTotalJSON(_ c: ControlTotal) -> String {
        "{\"name\": \(JSONText.string(c.name)), \"stated\": \(JSONText.string(c.stated)), "
            + "\"computed\": \(JSONText.string(c.computed)), \"ties\": \(c.ties)"
            + (c.statedOnly ? ", \"stated_only\": true}" : "}")
    }

    /// A few lines for a person.
    public static func text(_ i: Inspection) -> String {
        var out =
            "\(i.path)\n  container \(i.container), format \(i.format), encoding \(i.encoding)"
            + (i.encodingGuessed ? " (guessed: not UTF-8 and no byte order mark; --encoding sets it)" : "")
            + (i.encodingKnown ? " (as the format or the file's header says)" : "")
            + "\n"
        out += "  \(i.kind) from \(i.provider): \(i.records) records, \(i.rejected) rejected\n"
        for t in i.totals {
            let f = { (v: Total) in MinorUnits.format(v, exponent: t.currency.exponent) }
            out +=
                "  \(t.currency.code): credits \(f(t.credits)), debits \(f(t.debits)), "
                + "fees \(f(t.fees)), net \(f(t.net))\n"
        }
        // kinds only where they say something: a file of nothing but payments needs no line
        if i.kinds.contains(where: { $0.kind != .payment }) || i.batches > 0 {
            out += "  kinds: " + i.kinds.map { "\($0.count) \($0.kind.code)" }.joined(separator: ", ")
            out += i.batches > 0 ? "; \(i.batches) payout batch\(i.batches == 1 ? "" : "es")\n" : "\n"
        }
        // a large statement states thousands of totals: list what does not tie, count the rest
        let many = i.controlTotals.count > Inspection.controlTotalsListedMax
        if many {
            let tying = i.controlTotals.filter { $0.ties && !$0.statedOnly }.count
            let stated = i.controlTotals.filter(\.statedOnly).count
            out += "  ties: \(tying) of \(i.controlTotals.count - stated) checks (inspect --json lists each)\n"
        }
        let listed = many ? Array(i.controlTotals.filter { !$0.ties && !$0.statedOnly }) : i.controlTotals
        if many && listed.count > Inspection.controlTotalsListedMax {
            out += "  DOES NOT TIE: \(listed.count) checks, the first \(Inspection.controlTotalsListedMax) below\n"
        }
        for c in many ? Array(listed.prefix(Inspection.controlTotalsListedMax)) : listed {
            out +=
                c.statedOnly
                ? "  states: \(c.name) = \(c.stated)\n"
                : c.ties
                    ? "  ties: \(c.name) = \(c.stated)\n"
                    : "  DOES NOT TIE: \(c.name): stated \(c.stated), computed \(c.computed)\n"
        }
        for e in i.errors { out += "  error: \(e.message)\n" }
        return out
    }
}
