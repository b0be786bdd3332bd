public import PaymentModels
public import ReconIngest

/// Reads settlement records from a settlement export, choosing the adapter from the content.
public enum SettlementSourceReader {
    /// With `profiles`, a file one of them reads (its header, root element or records path;
    /// the first in order) is read as that profile says; any other file by detection. With one
    /// profile and a file no built-in format recognizes either, the profile reads it and says
    /// what the file lacks.
    public static func read(
        _ input: OpenedInput, path: String, profiles: [MappingProfile] = [],
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void
    ) throws -> SourceStats {
        var stats = SourceStats()
        stats.format = input.format.rawValue
        do {
            var chosen = MappingProfile.choose(profiles, for: input)
            if chosen == nil, profiles.count == 1, !recognizesBuiltIn(input) { chosen = profiles[0] }
            if let profile = chosen {
                try ProfileReader.read(
                    input, path: path, profile: profile, stats: &stats, onRecord: onRecord, onReject: onReject)
                return stats
            }
            switch input.format {
            case .csv: try readCSV(input, path: path, stats: &stats, onRecord: onRecord, onReject: onReject)
            case .xml: try readXML(input, path: path, stats: &stats, onRecord: onRecord, onReject: onReject)
            case .json: try readJSON(input, path: path, stats: &stats, onRecord: onRecord, onReject: onReject)
            case .mt940:
                try MT940Statement.read(input, path: path, stats: &stats, onRecord: onRecord, onReject: onReject)
            case .bai2: try BAI2Statement.read(input, path: path, stats: &stats, onRecord: onRecord, onReject: onReject)
            case .ofx: try OFXStatement.read(input, path: path, stats: &stats, onRecord: onRecord, onReject: onReject)
            case .norma43:
                try Norma43Statement.read(input, path: path, stats: &stats, onRecord: onRecord, onReject: onReject)
            }
        } catch let error as IngestError {
            try SourceReject.fatal(error, path: path, stats: &stats, onReject: onReject)
        }
        return stats
    }

    static func readJSON(
        _ input: OpenedInput, path: String, stats: inout SourceStats,
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void
    ) throws {
        let reader = try JSONReader(source: input.source)
        defer { stats.format = PaymentSourceReader.formatName(reader.framing) }
        let source = SourceFile(path)
        while let item = try reader.next() {
            stats.records += 1
            switch item {
            case .malformed(let error):
                stats.rejected += 1
                try onReject(SourceReject.json(error, path: path))
            case .record(let record):
                let provenance = Provenance(source, record)
                do {
                    guard let format = SettlementFormats.json.first(where: { $0.recognizes(json: record) }) else {
                        throw RecordError(
                            field: "",
                            "not a settlement record recon knows (\(SettlementFormats.names(.json)): a Stripe API "
                                + "object, a seed system's record, or an object with reference, amount and currency); "
                                + "describe it with --profile")
                    }
                    try onRecord(try format.record(json: record, provenance: provenance))
                    stats.adapters[format.readerName(json: record), default: 0] += 1
                } catch let error as RecordError {
                    stats.rejected += 1
                    try onReject(
                        Reject(source: provenance, field: error.field, reason: error.reason, raw: record.rawText))
                }
            }
        }
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
        if let format = SettlementFormats.xml.first(where: { $0.recognizes(xmlRoot: root, namespace: namespace) }) {
            return try format.read(
                xml: reader, path: path, namespace: namespace, stats: &stats, onRecord: onRecord, onReject: onReject)
        }
        try rejectFile(
            "an XML document with root <\(root)>\(namespace.map { " in namespace \($0)" } ?? "") is not a "
                + "settlement format recon knows (its XML formats: \(SettlementFormats.names(.xml))); describe it "
                + "with --profile",
            path: path, stats: &stats, onReject: onReject, line: reader.line)
    }

    /// Whether a built-in format recognizes the file from its first bytes: the generic CSV or a
    /// layout's header among its first rows, an XML format's root element. JSON is judged record
    /// by record, so no.
    static func recognizesBuiltIn(_ input: OpenedInput) -> Bool {
        switch input.format {
        case .json: return false
        case .mt940, .bai2, .norma43, .ofx: return true
        case .xml:
            let text = String(decoding: input.head, as: UTF8.self)
            guard let root = MappingProfile.firstElement(text) else { return false }
            // the root's default namespace, as the document's first xmlns="..." states it
            var namespace: String?
            if let start = text.firstRange(of: "xmlns=\"") {
                namespace = String(text[start.upperBound...].prefix { $0 != "\"" })
            }
            let local = ProfileReader.localName(root)
            return SettlementFormats.xml.contains { $0.recognizes(xmlRoot: local, namespace: namespace) }
        case .csv:
            guard let reader = try? CSVReader(source: MemoryByteSource(input.head)) else { return false }
            for _ in 0..<headerSearchRows {
                guard let row = try? reader.next() else { return false }
                if GenericSettlementCSV.recognizes(header: row) { return true }
                let cells = (0..<row.count).map { cleanCell(row[$0]) }
                if SettlementFormats.layouts.contains(where: { TableAdapter(profile: $0, header: cells) != nil }) {
                    return true
                }
            }
            return false
        }
    }

    /// Rows looked at for a known header before giving up (preambles run to a few dozen).
    static let headerSearchRows = 200

    static func readCSV(
        _ input: OpenedInput, path: String, stats: inout SourceStats,
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void
    ) throws {
        let reader = try CSVReader(source: input.source)
        guard let header = try reader.next() else { return }
        var generic: GenericSettlementCSV?
        var genericError = RecordError(field: "", "")
        do { generic = try GenericSettlementCSV(header: header) } catch { genericError = error }
        if var adapter = generic {
            return try readGeneric(reader, &adapter, path: path, stats: &stats, onRecord: onRecord, onReject: onReject)
        }
        // a provider's layout, its header found below any preamble
        var preamble: [[String]] = []
        var cells = (0..<header.count).map { cleanCell(header[$0]) }
        var found: TableAdapter?
        while found == nil {
            found = SettlementFormats.layouts.lazy.compactMap { TableAdapter(profile: $0, header: cells) }.first
            if found != nil || preamble.count >= headerSearchRows { break }
            preamble.append(cells)
            guard let next = try reader.next() else { break }
            cells = (0..<next.count).map { cleanCell(next[$0]) }
        }
        guard var adapter = found else {
            let first = (preamble.first ?? cells).filter { !$0.isEmpty }.prefix(8).joined(separator: ", ")
            try rejectFile(
                "not a settlement CSV recon knows: \(genericError.reason); no header of a known layout "
                    + "(\(SettlementFormats.layouts.map(\.name).joined(separator: ", "))) in the first "
                    + "\(headerSearchRows) rows, which begin: \(first); describe it with --profile",
                path: path, stats: &stats, onReject: onReject, line: header.position.line)
            return
        }
        if let problem = adapter.ambiguousColumn {
            return try rejectFile(problem, path: path, stats: &stats, onReject: onReject, line: header.position.line)
        }
        for row in preamble { adapter.preamble(row) }
        try readTableRows(reader, &adapter, path: path, stats: &stats, onRecord: onRecord, onReject: onReject)
    }

    /// The rows after a layout's header, each a record, structure or a reject.
    static func readTableRows(
        _ reader: CSVReader, _ adapter: inout TableAdapter, path: String, stats: inout SourceStats,
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void
    ) throws {
        // tokenizing moves to its own thread; this one builds the records
        let rows = ReadAheadCSVReader(reader)
        let source = SourceFile(path)
        while let row = try rows.next() {
            try readTableRow(row, &adapter, source: source, stats: &stats, onRecord: onRecord, onReject: onReject)
        }
        stats.controlTotals += adapter.controlTotals()
        stats.adapters[adapter.profile.name] = stats.records - stats.rejected
    }

    static func readTableRow(
        _ row: CSVRow, _ adapter: inout TableAdapter, source: SourceFile, stats: inout SourceStats,
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void
    ) throws {
        let provenance = Provenance(source: source, position: row.position.source)
        do {
            if row.unterminatedQuote {
                throw RecordError(field: "", "a quoted field is not closed before the end of the file")
            }
            if let invalid = row.invalidUTF8 { throw Self.utf8Error(invalid) }
            try adapter.emit(row, provenance: provenance) { record in
                stats.records += 1
                try onRecord(consume record)
            }
        } catch let error as RecordError {
            stats.records += 1
            stats.rejected += 1
            try onReject(Reject(source: provenance, field: error.field, reason: error.reason, raw: row.rawText))
        }
    }

    /// The generic CSV's byte-level loop (the 1M-line benchmark's path).
    static func readGeneric(
        _ reader: CSVReader, _ adapter: inout GenericSettlementCSV, path: String, stats: inout SourceStats,
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void
    ) throws {
        let rows = ReadAheadCSVReader(reader)  // tokenizing on its own thread, as for the layouts
        let source = SourceFile(path)
        while let row = try rows.next() {
            stats.records += 1
            let provenance = Provenance(source: source, position: row.position.source)
            do {
                if row.unterminatedQuote {
                    throw RecordError(field: "", "a quoted field is not closed before the end of the file")
                }
                if row.count != adapter.width { throw Self.widthError(row.count, adapter.width) }
                if let invalid = row.invalidUTF8 { throw Self.utf8Error(invalid) }
                try onRecord(try adapter.record(from: row, provenance: provenance))
            } catch let error as RecordError {
                stats.rejected += 1
                try onReject(Reject(source: provenance, field: error.field, reason: error.reason, raw: row.rawText))
            }
        }
        stats.adapters[GenericSettlementCSV.name] = stats.records - stats.rejected
    }

    /// A row that does not have as many fields as the header: which value is in which column
    /// is not clear, so it is a reject naming both counts.
    static func widthError(_ count: Int, _ width: Int) -> RecordError {
        RecordError(field: "", "the row has \(count) field\(count == 1 ? "" : "s") where the header has \(width)")
    }

    /// A row with bytes that are not UTF-8 in a UTF-8 file: the row is a reject naming the
    /// column and the bytes; the file is not re-read in another encoding.
    static func utf8Error(_ invalid: (field: Int, offset: Int, bytes: [UInt8])) -> RecordError {
        let hex = invalid.bytes.map { String($0, radix: 16, uppercase: true) }.map { $0.count == 1 ? "0" + $0 : $0 }
        return RecordError(
            field: "column \(invalid.field + 1)",
            "bytes that are not UTF-8 text (\(hex.joined(separator: " ")) at byte \(invalid.offset + 1) of the value) "
                + "in a file read as UTF-8; fix them, or give the file's encoding with --encoding or a "
                + "profile's `encoding:`"
        )
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
