public import PaymentModels
public import ReconIngest

/// What reading one input produced, for the summary and `inspect`.
public struct SourceStats: Sendable {
    /// Records seen, rejected ones included (a fatal error counts as one).
    public var records = 0
    public var rejected = 0
    /// `csv`, `jsonl`, `json-array`, `json`.
    public var format = ""
    /// Adapters that read records, by name, with counts.
    public var adapters: [String: Int] = [:]
    /// The error that stopped reading part-way, if any.
    public var fatalError: String?
    /// The line number after the last byte read (JSON inputs), to number the next part of a
    /// split file.
    public var nextLine: Int64 = 1
    /// The file's own totals and whether the records read tie to them.
    public var controlTotals: [ControlTotal] = []
    /// The encoding the file says it is in (an OFX header's `CHARSET`), which settles a guess
    /// that agrees with it.
    public var declaredEncoding: TextEncoding?

    public init() {}

    /// Adds the counts of another part of the same input (read after this one).
    public mutating func add(_ part: SourceStats) {
        records += part.records
        rejected += part.rejected
        if format.isEmpty { format = part.format }
        adapters.merge(part.adapters, uniquingKeysWith: +)
        fatalError = fatalError ?? part.fatalError
        nextLine = part.nextLine
        controlTotals += part.controlTotals
    }

    /// Adapter names, most records first: `aggregator,yedpay`.
    public var providerList: String {
        adapters.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map(\.key).joined(separator: ",")
    }
}

/// Reads created payments from a JSON input (JSON Lines, array, or envelope), detecting each
/// record's system unless one is forced.
public enum PaymentSourceReader {
    /// `segment` reads one part of a JSON Lines file split by `JSONLinesSplit` (every part
    /// but the first), numbering its lines and records from there.
    public static func read(
        _ input: OpenedInput, path: String, forced: PaymentSystem? = nil, segment: RecordPosition? = nil,
        onPayment: (consuming Payment) throws -> Void, onReject: (Reject) throws -> Void
    ) throws -> SourceStats {
        var stats = SourceStats()
        guard input.format == .json else {
            stats.records = 1
            stats.rejected = 1
            stats.format = input.format.rawValue
            let message =
                "created payments must be JSON (JSON Lines, an array or a {\"data\":[...]} envelope); "
                + "this file looks like \(input.format.rawValue)"
            stats.fatalError = message
            let start = Provenance(file: path, position: SourcePosition(byte: 0, line: 1, record: 1))
            try onReject(Reject(source: start, field: "", reason: message, raw: ""))
            return stats
        }
        let forcedAdapter = forced.map(PaymentAdapters.adapter(for:))
        // counted per system in an array: a dictionary update per record showed in profiles
        var perSystem = [Int](repeating: 0, count: PaymentSystem.allCases.count)
        do {
            let reader = try segment.map { JSONReader(source: input.source, segment: $0) }
                ?? JSONReader(source: input.source)
            defer { stats.nextLine = reader.nextLineNumber }
            let source = SourceFile(path)
            while let item = try reader.next() {
                stats.records += 1
                switch item {
                case .malformed(let error):
                    stats.rejected += 1
                    try onReject(SourceReject.json(error, path: path))
                case .record(let record):
                    let provenance = Provenance(source, record)
                    guard let adapter = forcedAdapter ?? PaymentAdapters.detect(record) else {
                        stats.rejected += 1
                        try onReject(
                            Reject(
                                source: provenance, field: "",
                                reason: "not a created payment of any known system (aggregator, "
                                    + "Yedpay, Formance, WooshPay, Commerce Layer); use --provider to force one",
                                raw: record.rawText))
                        continue
                    }
                    do {
                        try onPayment(try adapter.payment(from: record, provenance: provenance))
                        perSystem[adapter.system.index] += 1
                    } catch let error as RecordError {
                        stats.rejected += 1
                        try onReject(
                            Reject(source: provenance, field: error.field, reason: error.reason, raw: record.rawText))
                    }
                }
            }
            stats.format = formatName(reader.framing)
        } catch let error as IngestError {
            try SourceReject.fatal(error, path: path, stats: &stats, onReject: onReject)
        }
        for (i, system) in PaymentSystem.allCases.enumerated() where perSystem[i] > 0 {
            stats.adapters[system.rawValue, default: 0] += perSystem[i]
        }
        return stats
    }

    static func formatName(_ framing: JSONFraming?) -> String {
        switch framing {
        case .lines: "jsonl"
        case .array: "json-array"
        case .document, nil: "json"
        }
    }
}

/// Rejects built from reader errors.
enum SourceReject {
    static func json(_ error: JSONRecordError, path: String) -> Reject {
        Reject(
            source: Provenance(
                file: path, position: error.position.source, locator: error.isLineFramed ? .line : .record),
            field: "",
            // where in the record, not in the file: the record's own position says where it is
            reason: error.isLineFramed
                ? "not valid JSON at column \(error.errorByte - error.position.byte + 1): \(error.message)"
                : "not valid JSON at byte \(error.errorByte - error.position.byte) of the record: \(error.message)",
            raw: error.rawText)
    }

    /// A failure that stops the file: one reject at its position, counted as one record.
    static func fatal(
        _ error: IngestError, path: String, stats: inout SourceStats, onReject: (Reject) throws -> Void
    ) throws {
        if error.code == .io { throw error }
        stats.records += 1
        stats.rejected += 1
        stats.fatalError = error.message
        let position = SourcePosition(
            byte: error.byte ?? 0, line: error.line ?? 0, record: Int64(stats.records))
        try onReject(
            Reject(
                source: Provenance(file: path, position: position), field: "",
                reason: error.message + " (the rest of the file was not read)", raw: ""))
    }
}

extension Provenance {
    /// Where a JSON record is: by line in JSON Lines, by record number in arrays and envelopes.
    init(_ source: SourceFile, _ record: JSONRecord) {
        self.init(source: source, position: record.position.source, locator: record.isLineFramed ? .line : .record)
    }
}

extension RecordPosition {
    var source: SourcePosition { SourcePosition(byte: byte, line: line, record: record) }
}
