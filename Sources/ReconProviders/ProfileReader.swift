public import PaymentModels
public import ReconIngest

/// Reads a settlement file as a user's `MappingProfile` says: a CSV through the same table
/// reading as the built-in layouts, JSON and XML records through field paths.
enum ProfileReader {
    static func read(
        _ input: OpenedInput, path: String, profile: MappingProfile, stats: inout SourceStats,
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void
    ) throws {
        stats.format = profile.format.rawValue
        switch profile.format {
        case .csv: try readCSV(input, path: path, profile, &stats, onRecord, onReject)
        case .json: try readJSON(input, path: path, profile, &stats, onRecord, onReject)
        case .xml: try readXML(input, path: path, profile, &stats, onRecord, onReject)
        }
        stats.adapters[profile.table.name] = stats.records - stats.rejected
    }

    static func readCSV(
        _ input: OpenedInput, path: String, _ profile: MappingProfile, _ stats: inout SourceStats,
        _ onRecord: (consuming SettlementRecord) throws -> Void, _ onReject: (Reject) throws -> Void
    ) throws {
        let reader = try CSVReader(source: input.source, delimiter: profile.delimiter)
        for _ in 0..<profile.table.skipLines where try reader.next() == nil { return }
        guard let first = try reader.next() else { return }
        let names =
            profile.table.positional
            ? (1...max(1, first.count)).map(String.init) : (0..<first.count).map { cleanCell(first[$0]) }
        guard var adapter = TableAdapter(profile: profile.table, header: names) else {
            let missing = profile.table.signature.filter { !names.contains($0) }
            try SettlementSourceReader.rejectFile(
                "the profile '\(profile.table.name)' names columns this file does not have: "
                    + "\(missing.joined(separator: ", ")) (found: \(names.joined(separator: ", ")))",
                path: path, stats: &stats, onReject: onReject, line: first.position.line)
            return
        }
        if profile.table.positional {  // the first row was data
            try SettlementSourceReader.readTableRow(
                first, &adapter, source: SourceFile(path), stats: &stats, onRecord: onRecord, onReject: onReject)
        }
        try SettlementSourceReader.readTableRows(
            reader, &adapter, path: path, stats: &stats, onRecord: onRecord, onReject: onReject)
    }

    static func readJSON(
        _ input: OpenedInput, path: String, _ profile: MappingProfile, _ stats: inout SourceStats,
        _ onRecord: (consuming SettlementRecord) throws -> Void, _ onReject: (Reject) throws -> Void
    ) throws {
        let reader = try JSONReader(source: input.source)
        let recordsPath = profile.records.map { $0.split(separator: ".").map(String.init) } ?? []
        let source = SourceFile(path)
        while let item = try reader.next() {
            switch item {
            case .malformed(let error):
                stats.records += 1
                stats.rejected += 1
                try onReject(SourceReject.json(error, path: path))
            case .record(let document):
                let provenance = Provenance(source, document)
                var values = [document.value]
                if !recordsPath.isEmpty {
                    guard let list = Self.member(document.value, recordsPath), list.kind == .array else {
                        stats.records += 1
                        stats.rejected += 1
                        try onReject(
                            Reject(
                                source: provenance, field: profile.records!,
                                reason: "no array of records at '\(profile.records!)'", raw: document.rawText))
                        continue
                    }
                    values = list.elements
                }
                for value in values {
                    stats.records += 1
                    do {
                        let record = try build(profile.table, provenance: provenance) { field in
                            Self.member(value, field.split(separator: ".").map(String.init))?.scalarText
                        }
                        try onRecord(record)
                    } catch let error as RecordError {
                        stats.rejected += 1
                        try onReject(
                            Reject(source: provenance, field: error.field, reason: error.reason, raw: document.rawText))
                    }
                }
            }
        }
    }

    static func member(_ value: JSONValue, _ path: [String]) -> JSONValue? {
        var current = value
        for key in path {
            var key = key
            guard let next = key.withUTF8({ current.member(UnsafeRawBufferPointer($0)) }) else { return nil }
            current = next
        }
        return current
    }

    static func readXML(
        _ input: OpenedInput, path: String, _ profile: MappingProfile, _ stats: inout SourceStats,
        _ onRecord: (consuming SettlementRecord) throws -> Void, _ onReject: (Reject) throws -> Void
    ) throws {
        let reader = try XMLReader(source: input.source)
        let recordName = profile.records!
        let source = SourceFile(path)
        while let name = try reader.nextStart() {
            guard name == recordName else { continue }
            let element = try reader.readElement()
            stats.records += 1
            let provenance = Provenance(
                source: source, position: SourcePosition(byte: 0, line: element.line, record: 0))
            do {
                let record = try build(profile.table, provenance: provenance) { field in
                    // `Refs/EndToEndId`, or `Amt@Ccy` for an attribute
                    let parts = field.split(separator: "@", maxSplits: 1).map(String.init)
                    let steps = parts[0].split(separator: "/").map(String.init)
                    guard let target = steps.isEmpty ? element : element.path(components: steps[...]) else {
                        return nil
                    }
                    return parts.count == 2 ? target.attribute(named: parts[1]) : target.nonEmptyText
                }
                try onRecord(record)
            } catch let error as RecordError {
                stats.rejected += 1
                try onReject(
                    Reject(source: provenance, field: error.field, reason: error.reason, raw: "<\(recordName)>"))
            }
        }
    }

    /// A record from named values (JSON and XML paths), with the table reading's rules.
    static func build(
        _ p: TableProfile, provenance: Provenance, _ value: (String) -> String?
    ) throws(RecordError) -> SettlementRecord {
        let currency: Currency
        switch p.currency {
        case .fixed(let code): currency = Currency(code: code)!
        case .column(let field, _):
            guard let code = value(field), let c = Currency(code: code) else {
                throw RecordError(field: field, "'\(value(field) ?? "")' is not an ISO 4217 currency code")
            }
            currency = c
        }
        func money(_ field: String?, required: Bool = false) throws(RecordError) -> Money? {
            guard let field, var text = value(field), !text.isEmpty else {
                if required { throw RecordError(field: field ?? "", "the amount is missing") }
                return nil
            }
            if p.decimalComma { text = String(text.filter { $0 != "." }.map { $0 == "," ? "." : $0 }) }
            if p.minorUnits {
                do { return Money(minorUnits: try AmountParser.parseMinor(text), currency: currency) } catch {
                    throw RecordError(field: field, error)
                }
            }
            return Money(minorUnits: try TableAdapter.minorUnits(text, currency, field: field), currency: currency)
        }
        var raw = p.status.flatMap { value($0.column) } ?? ""
        let status = p.status.map { $0.values[raw] ?? $0.otherwise } ?? .settled
        var gross: Money
        switch p.amount {
        case .signed(let field): gross = try money(field, required: true)!
        case .directed(let field, let direction, let credit, let debit):
            gross = try money(field, required: true)!
            let way = value(direction) ?? ""
            if debit.contains(way) {
                gross = -gross
            } else if !credit.contains(way) {
                raw = raw.isEmpty ? way : "\(raw) (\(way))"
            }
        case .debitCredit(let debit, let credit):
            let d = try money(debit)
            let c = try money(credit)
            guard d != nil || c != nil else {
                throw RecordError(field: credit, "neither \(debit) nor \(credit) has an amount")
            }
            gross = (c ?? .zero(currency)) - (d ?? .zero(currency))
        case .lessRefund(let field, let refund):
            gross = try money(field, required: true)! - (try money(refund) ?? .zero(currency))
        case .sum(let fields):
            gross = .zero(currency)
            for field in fields { gross = gross + (try money(field) ?? .zero(currency)) }
        }
        var fee: Int64?
        for field in p.feeColumns { if let m = try money(field) { fee = (fee ?? 0) + abs(m.minorUnits) } }
        var keys = KeyList(ignoring: p.emptyValues)
        for field in p.keyColumns { keys.add(value(field)) }
        var time: Timestamp?
        if let field = p.timeColumn, let text = value(field), !text.isEmpty {
            var offset = p.timeZoneOffsetSeconds  // for times written without their own offset
            if let zoneField = p.timeZoneColumn, let zone = value(zoneField) {
                guard let seconds = TableAdapter.zoneOffsets[zone.uppercased()] else {
                    throw RecordError(field: zoneField, "'\(zone)' is not a time zone abbreviation recon knows")
                }
                offset = seconds
            }
            do {
                time = try withBytes(text) { (b) throws(DateError) in
                    try TableAdapter.timestamp(b, p, zoneOffsetSeconds: offset)
                }
            } catch { throw RecordError(field: field, error.description) }
        }
        var record = SettlementRecord(
            key: keys.key, settlementId: p.settlementIdColumns.lazy.compactMap(value).first, provider: p.name,
            gross: gross, fee: fee.map { Money(minorUnits: $0, currency: currency) }, net: try money(p.netColumn),
            status: status, rawStatus: raw, settledAt: time, provenance: provenance)
        record.alternateKeys = keys.alternates
        return record
    }
}
