public import PaymentModels
public import ReconIngest
import ReconMemory

/// The generic settlement CSV: `settlement_id, provider, reference, gross, currency, fee, net,
/// status, settled_at`, found by header name (any case, any order, extra columns ignored;
/// `amount` is accepted for `gross`). `reference` may hold any key, the merchant's or the
/// provider's. Amounts are major units at the currency's exponent. Optional: `type` (the
/// record's kind: payment, refund, chargeback, chargeback_reversal, fee, adjustment, payout;
/// payment when absent) and `payout_id` (the payout batch the line was paid out in). Fee,
/// adjustment and payout lines concern the account, not one payment, and may have no reference.
public struct GenericSettlementCSV: Sendable {
    /// The format's entry in the registry (the adapter itself holds one file's columns).
    struct Format: SettlementFormat {
        var name: String { GenericSettlementCSV.name }
        var description: String { GenericSettlementCSV.description }
        var content: ContentFormat { .csv }
    }

    public static let name = "generic-csv"
    public static let description =
        "settlement CSV with columns settlement_id, provider, reference, gross|amount, currency, "
        + "fee, net, status, settled_at (by header name, any order)"

    /// Settlement statuses: settled/succeeded/paid mean the money moved; failed, reversed and
    /// refunded mean it did not.
    public static let statuses: [String: SettlementStatus] = [
        "settled": .settled, "succeeded": .settled, "success": .settled, "paid": .settled,
        "completed": .settled, "pending": .pending, "processing": .pending, "failed": .failed,
        "declined": .failed, "rejected": .failed, "reversed": .reversed, "returned": .reversed,
        "refunded": .refunded,
    ]

    struct Columns {
        var reference = -1, gross = -1, currency = -1
        var settlementId = -1, provider = -1, fee = -1, net = -1, status = -1, settledAt = -1
        var kind = -1, batch = -1
    }

    let columns: Columns
    private var providers = TextCache<Void>()
    private var statusTexts = TextCache<SettlementStatus>()
    private var kindTexts = TextCache<SettlementKind?>()
    private var batchTexts = TextCache<Void>()

    /// Maps the header row; throws naming what is missing and what was found.
    public init(header: CSVRow) throws(RecordError) {
        var c = Columns()
        var found: [String] = []
        var seen: [String: Int] = [:]
        for i in 0..<header.count {
            let original = header.string(i).trimmingSpaces
            let name = original.lowercased()
            found.append(original)
            if !name.isEmpty, let first = seen[name], Self.read.contains(name) {
                throw RecordError(
                    field: name,
                    "the header names '\(original)' twice (columns \(first + 1) and \(i + 1)): which one holds the "
                        + "value is not clear")
            }
            seen[name] = seen[name] ?? i
            switch name {
            case "reference": c.reference = i
            case "gross": c.gross = i
            case "amount" where c.gross < 0: c.gross = i
            case "currency": c.currency = i
            case "settlement_id": c.settlementId = i
            case "provider": c.provider = i
            case "fee": c.fee = i
            case "net": c.net = i
            case "status": c.status = i
            case "settled_at": c.settledAt = i
            case "type", "kind", "record_type": c.kind = i
            case "payout_id", "batch_id", "batch": c.batch = i
            default: break
            }
        }
        for (index, name) in [(c.reference, "reference"), (c.gross, "gross"), (c.currency, "currency")]
        where index < 0 {
            throw RecordError(
                field: name,
                "the header has no '\(name)' column (found: \(found.joined(separator: ", ")))")
        }
        columns = c
        width = header.count
    }

    /// Fields in the header row: every row must have as many.
    public private(set) var width = 0

    /// The column names this reader reads.
    static let read: Set<String> = [
        "reference", "gross", "amount", "currency", "settlement_id", "provider", "fee", "net", "status", "settled_at",
        "type", "kind", "record_type", "payout_id", "batch_id", "batch",
    ]

    /// True when the header names at least the required columns.
    public static func recognizes(header: CSVRow) -> Bool {
        (try? GenericSettlementCSV(header: header)) != nil
    }

    public mutating func record(from row: CSVRow, provenance: Provenance) throws(RecordError) -> SettlementRecord {
        let c = columns
        var kind = SettlementKind.payment
        if c.kind >= 0, !row[c.kind].trimmedSpaces.isEmpty {
            let (text, found) = kindTexts.lookup(row[c.kind].trimmedSpaces) { SettlementKind(code: $0) }
            guard let found else {
                throw RecordError(
                    field: "type",
                    "'\(text)' is not a record type recon knows ("
                        + SettlementKind.allCases.map(\.code).joined(separator: ", ") + ")")
            }
            kind = found
        }
        let key = row[c.reference].trimmedText
        guard !key.isEmpty || !kind.concernsPayment else {
            throw RecordError(field: "reference", "the row has no reference to match on")
        }
        guard let currency = Currency(asciiCode: row[c.currency].trimmedSpaces) else {
            let raw = row.string(c.currency)
            throw RecordError(
                field: "currency",
                raw.isEmpty ? "currency is missing" : AmountError.unknownCurrency(raw).description)
        }
        let gross = try amount(row, c.gross, "gross", currency, required: true)!
        var rawStatus = "settled"
        var status = SettlementStatus.settled
        if c.status >= 0 {
            (rawStatus, status) = statusTexts.lookup(row[c.status].trimmedSpaces) { text in
                Self.statuses[text] ?? Self.statuses[text.lowercased()] ?? .unknown
            }
        }
        var provider: String?
        if c.provider >= 0 && !row[c.provider].trimmedSpaces.isEmpty {
            provider = providers.lookup(row[c.provider].trimmedSpaces) { _ in }.0
        }
        var settledAt: Timestamp?
        if c.settledAt >= 0 && !row[c.settledAt].trimmedSpaces.isEmpty {
            do { settledAt = try Timestamp(parsing: row[c.settledAt].trimmedSpaces) } catch {
                throw RecordError(field: "settled_at", error.description)
            }
        }
        var batchId: String?
        if c.batch >= 0, !row[c.batch].trimmedSpaces.isEmpty {
            batchId = batchTexts.lookup(row[c.batch].trimmedSpaces) { _ in }.0
        }
        let fee = try amount(row, c.fee, "fee", currency, required: false)
        let net = try amount(row, c.net, "net", currency, required: false)
        return SettlementRecord(
            key: key, settlementId: optionalText(row, c.settlementId), provider: provider, gross: gross,
            fee: fee, net: net, status: status, rawStatus: rawStatus,
            settledAt: settledAt, provenance: provenance, kind: kind, batchId: batchId)
    }

    func amount(
        _ row: CSVRow, _ index: Int, _ field: String, _ currency: Currency, required: Bool
    ) throws(RecordError) -> Money? {
        guard index >= 0 else { return nil }
        do {
            return Money(minorUnits: try AmountParser.parseMajor(row[index], currency: currency), currency: currency)
        } catch .empty where !required {
            return nil
        } catch {
            throw RecordError(field: field, error.description)
        }
    }

    func optionalText(_ row: CSVRow, _ index: Int) -> String? {
        guard index >= 0 else { return nil }
        let text = row[index].trimmedText
        return text.isEmpty ? nil : text
    }
}

extension UnsafeRawBufferPointer {
    /// Without leading and trailing ASCII spaces and tabs.
    var trimmedSpaces: UnsafeRawBufferPointer {
        var start = 0
        var end = count
        while start < end && (self[start] == 0x20 || self[start] == 0x09) { start += 1 }
        while end > start && (self[end - 1] == 0x20 || self[end - 1] == 0x09) { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: self[start..<end])
    }

    var trimmedText: String { String(decoding: trimmedSpaces, as: UTF8.self) }
}

extension String {
    var trimmingSpaces: String {
        var text = self
        return text.withUTF8 { UnsafeRawBufferPointer($0).trimmedText }
    }
}
