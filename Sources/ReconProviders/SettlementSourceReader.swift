public import PaymentModels
public import ReconIngest

/// Reads settlement records from a settlement export. Issue-2 scope: the generic CSV.
public enum SettlementSourceReader {
    public static func read(
        _ input: OpenedInput, path: String,
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void
    ) throws -> SourceStats {
        var stats = SourceStats()
        stats.format = input.format.rawValue
        guard input.format == .csv else {
            try rejectFile(
                "no settlement adapter reads \(input.format.rawValue) yet; expected a settlement CSV",
                path: path, stats: &stats, onReject: onReject)
            return stats
        }
        do {
            let reader = try CSVReader(source: input.source)
            guard let header = try reader.next() else { return stats }
            var adapter: GenericSettlementCSV
            do { adapter = try GenericSettlementCSV(header: header) } catch {
                try rejectFile(
                    "not a settlement CSV recon knows: \(error.reason)", path: path, stats: &stats,
                    onReject: onReject, line: header.position.line)
                return stats
            }
            while let row = try reader.next() {
                stats.records += 1
                let provenance = Provenance(file: path, position: row.position.source)
                do {
                    if row.unterminatedQuote {
                        throw RecordError(field: "", "a quoted field is not closed before the end of the file")
                    }
                    try onRecord(try adapter.record(from: row, provenance: provenance))
                } catch let error as RecordError {
                    stats.rejected += 1
                    try onReject(Reject(source: provenance, field: error.field, reason: error.reason, raw: row.rawText))
                }
            }
            stats.adapters[GenericSettlementCSV.name] = stats.records - stats.rejected
        } catch let error as IngestError {
            try SourceReject.fatal(error, path: path, stats: &stats, onReject: onReject)
        }
        return stats
    }

    static func rejectFile(
        _ message: String, path: String, stats: inout SourceStats, onReject: (Reject) throws -> Void,
        line: Int64 = 1
    ) throws {
        stats.records += 1
        stats.rejected += 1
        stats.fatalError = message
        try onReject(
            Reject(
                source: Provenance(file: path, position: SourcePosition(byte: 0, line: line, record: 1)),
                field: "", reason: message, raw: ""))
    }
}

