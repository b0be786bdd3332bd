public import PaymentModels
public import ReconIngest

/// Reads settlement records from a settlement export, choosing the adapter from the content.
public enum SettlementSourceReader {
    public static func read(
        _ input: OpenedInput, path: String,
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void
    ) throws -> SourceStats {
        var stats = SourceStats()
        stats.format = input.format.rawValue
        do {
            switch input.format {
            case .csv: try readCSV(input, path: path, stats: &stats, onRecord: onRecord, onReject: onReject)
            case .xml: try readXML(input, path: path, stats: &stats, onRecord: onRecord, onReject: onReject)
            case .json:
                try rejectFile(
                    "no settlement adapter reads JSON yet; expected a settlement CSV or a camt XML statement",
                    path: path, stats: &stats, onReject: onReject)
            }
        } catch let error as IngestError {
            try SourceReject.fatal(error, path: path, stats: &stats, onReject: onReject)
        }
        return stats
    }

    static func readXML(
        _ input: OpenedInput, path: String, stats: inout SourceStats,
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void
    ) throws {
        let reader = try XMLReader(source: input.source)
        guard let root = try reader.nextStart() else {
            return try rejectFile("the XML document has no root element", path: path, stats: &stats, onReject: onReject)
        }
        let namespace = reader.namespaceURI
        if CamtStatement.recognizes(root: root, namespace: namespace) {
            return try CamtStatement.read(
                reader, path: path, namespace: namespace, stats: &stats, onRecord: onRecord, onReject: onReject)
        }
        try rejectFile(
            "an XML document with root <\(root)>\(namespace.map { " in namespace \($0)" } ?? "") is not a "
                + "settlement format recon knows (it reads ISO 20022 camt.052/053/054); describe it with --profile",
            path: path, stats: &stats, onReject: onReject, line: reader.line)
    }

    static func readCSV(
        _ input: OpenedInput, path: String, stats: inout SourceStats,
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void
    ) throws {
        let reader = try CSVReader(source: input.source)
        guard let header = try reader.next() else { return }
        var adapter: GenericSettlementCSV
        do { adapter = try GenericSettlementCSV(header: header) } catch {
            try rejectFile(
                "not a settlement CSV recon knows: \(error.reason)", path: path, stats: &stats,
                onReject: onReject, line: header.position.line)
            return
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

