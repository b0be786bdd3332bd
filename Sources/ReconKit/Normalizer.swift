public import PaymentModels
public import ReconIngest
public import ReconProviders
import ReconReports

/// `recon normalize`: every record as the shared model sees it, one per line, for piping.
public enum Normalizer {
    public static let csvColumns = [
        "side", "system", "key_field", "key", "other_keys", "amount", "currency", "fee", "net",
        "status", "raw_status", "time", "source", "kind", "batch", "settlement_currency", "exchange_rate",
        "ordered_amount",
    ]

    /// Streams normalized records to `emit`; rejects go to `onReject`.
    public static func run(
        _ paths: [String], jsonLines: Bool, forced: PaymentSystem?, profiles: [MappingProfile] = [],
        encoding: TextEncoding? = nil, strict: Bool, emit: (String) throws -> Void,
        onReject: @escaping (Reject) -> Void, warn: (String) -> Void = { _ in }
    ) throws {
        if !jsonLines { try emit(CSVFormat.row(csvColumns)) }
        for path in paths {
            let input = try Inputs.open(path, encoding: Inputs.encoding(encoding, profiles))
            let profiled = MappingProfile.choose(profiles, for: input) != nil || profiles.count == 1
            let handleReject: (Reject) throws -> Void = { reject in
                if strict { throw StrictStop(reject: reject) }
                onReject(reject)
            }
            let stats = try Inputs.rethrowingIO {
                if input.format == .json && !profiled {
                    return try PaymentSourceReader.read(
                        input, path: path, forced: forced,
                        onPayment: { try emit(line(payment: $0, jsonLines: jsonLines)) }, onReject: handleReject)
                }
                return try SettlementSourceReader.read(
                    input, path: path, profiles: profiles,
                    onRecord: { try emit(line(settlement: $0, jsonLines: jsonLines)) },
                    onReject: handleReject)
            }
            if let warning = Inputs.summary(.settlement, path, input, stats).encodingWarning { warn(warning) }
        }
    }

    static func line(payment p: Payment, jsonLines: Bool) -> String {
        let key = p.primaryKey
        let others = p.keys.dropFirst().map { "\($0.field.code)=\($0.value)" }.joined(separator: ";")
        let fields: [(String, String?)] = [
            ("side", "payment"), ("system", p.system.rawValue), ("key_field", key.field.code), ("key", key.value),
            ("other_keys", others), ("amount", p.amount.decimalString), ("currency", p.amount.currency.code),
            ("fee", p.fee?.decimalString), ("net", p.net?.decimalString), ("status", p.status.rawValue),
            ("raw_status", p.rawStatus), ("time", p.createdAt?.description), ("source", p.provenance.description),
            ("kind", SettlementKind.payment.code), ("batch", nil), ("settlement_currency", nil),
            ("exchange_rate", nil), ("ordered_amount", p.orderedAmount?.decimalString),
        ]
        return render(fields, jsonLines: jsonLines)
    }

    static func line(settlement r: SettlementRecord, jsonLines: Bool) -> String {
        let fields: [(String, String?)] = [
            ("side", "settlement"), ("system", r.provider), ("key_field", "reference"), ("key", r.key),
            ("other_keys", otherKeys(r)), ("amount", r.gross.decimalString),
            ("currency", r.gross.currency.code), ("fee", r.fee?.decimalString), ("net", r.net?.decimalString),
            ("status", r.status.rawValue), ("raw_status", r.rawStatus), ("time", r.settledAt?.description),
            ("source", r.provenance.description), ("kind", r.kind.code), ("batch", r.payoutBatch),
            // fee and net are in the settlement currency, named only when it is not the gross's
            ("settlement_currency", r.isConverted ? r.settlementCurrency.code : nil),
            ("exchange_rate", r.exchangeRate?.description), ("ordered_amount", nil),
        ]
        return render(fields, jsonLines: jsonLines)
    }

    /// The keys a line can match on besides its key: its settlement id, then its alternate keys
    /// (a bank entry's end-to-end id, references and remittance words) in the order tried.
    static func otherKeys(_ r: SettlementRecord) -> String? {
        let others =
            (r.settlementId.map { ["settlement_id=\($0)"] } ?? [])
            + (r.alternateKeys ?? []).map { "reference=\($0)" }
        return others.isEmpty ? nil : others.joined(separator: ";")
    }

    static func render(_ fields: [(String, String?)], jsonLines: Bool) -> String {
        // amounts stay numbers; text cells are neutralized against spreadsheet formulas
        let amounts: Set<String> = ["amount", "fee", "net", "ordered_amount"]
        guard jsonLines else {
            return fields.map { amounts.contains($0.0) ? CSVFormat.field($0.1 ?? "") : CSVFormat.text($0.1 ?? "") }
                .joined(separator: ",") + "\n"
        }
        let members = fields.compactMap { name, value in
            value.map { "\(JSONText.string(name)): \(JSONText.string($0))" }
        }
        return "{" + members.joined(separator: ", ") + "}\n"
    }
}
