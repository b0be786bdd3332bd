import PaymentModels
import ReconIngest

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
        // a file without a header names its columns by position, as far as the profile reaches
        // (typed records differ in length)
        let reach = max(first.count, (profile.fields + profile.table.signature).compactMap { Int($0) }.max() ?? 0)
        let names =
            profile.table.positional
            ? (1...max(1, reach)).map(String.init) : (0..<first.count).map { cleanCell(first[$0]) }
        guard var adapter = TableAdapter(profile: profile.table, header: names) else {
            let found = Set(names.map(foldedColumnName))
            let missing = profile.table.signature.filter { !found.contains(foldedColumnName($0)) }
            try SettlementSourceReader.rejectFile(
                "the profile '\(profile.table.name)' names columns this file does not have: "
                    + "\(missing.joined(separator: ", ")) (found: \(names.joined(separator: ", ")))",
                path: path, stats: &stats, onReject: onReject, line: first.position.line)
            return
        }
        if let problem = adapter.ambiguousColumn, !profile.table.positional {
            return try SettlementSourceReader.rejectFile(
                problem, path: path, stats: &stats, onReject: onReject, line: first.position.line)
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
        let recordsPath = profile.records.map(Self.steps) ?? []
        let fields = profile.fields.isEmpty ? profile.table.signature : profile.fields
        // `^.id` is a member of the element enclosing the record (one `^` per level up)
        let paths = fields.map { field -> (up: Int, steps: [String]) in
            let up = field.prefix { $0 == "^" }.count
            return (up, Self.steps(String(field.dropFirst(up))))
        }
        var adapter = TableAdapter(profile: profile.table, header: fields)!  // the header is the fields
        let source = SourceFile(path)
        var documents = 0, found = 0
        while let item = try reader.next() {
            switch item {
            case .malformed(let error):
                stats.records += 1
                stats.rejected += 1
                try onReject(SourceReject.json(error, path: path))
            case .record(let document):
                documents += 1
                let provenance = Provenance(source, document)
                var records: [(value: JSONValue, ancestors: [JSONValue])] = [(document.value, [])]
                if !recordsPath.isEmpty {
                    records = []
                    guard Self.expand(document.value, recordsPath[...], ancestors: [document.value], into: &records)
                    else {
                        stats.records += 1
                        stats.rejected += 1
                        try onReject(
                            Reject(
                                source: provenance, field: profile.records!,
                                reason: "no array of records at '\(profile.records!)'", raw: document.rawText))
                        continue
                    }
                }
                found += 1
                for (value, ancestors) in records {
                    let cells = paths.map { path -> [UInt8] in
                        let up = path.up
                        let base = up == 0 ? value : ancestors.count >= up ? ancestors[ancestors.count - up] : nil
                        return Array(((base.flatMap { Self.member($0, path.steps) })?.scalarText ?? "").utf8)
                    }
                    try readRecord(
                        cells, &adapter, provenance: provenance, raw: document.rawText, stats: &stats,
                        onRecord: onRecord, onReject: onReject)
                }
            }
        }
        stats.controlTotals += adapter.controlTotals()
        if documents > 0 && found == 0 {
            try SettlementSourceReader.rejectFile(
                "the profile's records path '\(profile.records ?? "")' matches nothing in the file",
                path: path, stats: &stats, onReject: onReject)
        }
    }

    /// One JSON or XML record through the table reading: its values in the profile's field
    /// order, as a row. A record is never skipped: one holding none of the fields is a reject.
    static func readRecord(
        _ cells: [[UInt8]], _ adapter: inout TableAdapter, provenance: Provenance, raw: String,
        stats: inout SourceStats, onRecord: (consuming SettlementRecord) throws -> Void,
        onReject: (Reject) throws -> Void
    ) throws {
        stats.records += 1
        do {
            var emitted = false
            try CSVRow.withFields(cells, position: RecordPosition(byte: 0, line: 0, record: 0)) { row in
                try adapter.emit(row, provenance: provenance) { record in
                    emitted = true
                    try onRecord(consume record)
                }
            }
            if !emitted { throw RecordError(field: "", "the record has none of the fields the profile names") }
        } catch let error as RecordError {
            stats.rejected += 1
            try onReject(Reject(source: provenance, field: error.field, reason: error.reason, raw: raw))
        }
    }

    /// A dotted path's steps; `items[0].id` and `items.0.id` both index an array, and `[]` (or
    /// `*`) stands for each of its elements.
    static func steps(_ path: String) -> [String] {
        var steps: [String] = []
        var current = ""
        var previous: Character = " "
        for c in path {
            if c == "." || c == "[" || c == "]" {
                if c == "]" && previous == "[" { steps.append("*") }  // `[]`: each element
                if !current.isEmpty { steps.append(current) }
                current = ""
            } else {
                current.append(c)
            }
            previous = c
        }
        if !current.isEmpty { steps.append(current) }
        return steps
    }

    /// The records at `steps` below `value`: the array the path ends at, each element with the
    /// elements enclosing it (the document, then one per `*` step). False when the path leads
    /// to no array.
    static func expand(
        _ value: JSONValue, _ steps: ArraySlice<String>, ancestors: [JSONValue],
        into records: inout [(value: JSONValue, ancestors: [JSONValue])]
    ) -> Bool {
        guard let star = steps.firstIndex(of: "*") else {
            guard let list = member(value, Array(steps)), list.kind == .array else { return false }
            for element in list.elements { records.append((element, ancestors)) }
            return true
        }
        guard let list = member(value, Array(steps[..<star])), list.kind == .array else { return false }
        var any = false
        for element in list.elements {
            any = expand(element, steps[(star + 1)...], ancestors: ancestors + [element], into: &records) || any
        }
        return any
    }

    static func member(_ value: JSONValue, _ path: [String]) -> JSONValue? {
        var current = value
        for key in path {
            if current.kind == .array {
                guard let i = Int(key), i >= 0 else { return nil }
                let elements = current.elements
                guard i < elements.count else { return nil }
                current = elements[i]
                continue
            }
            var key = key
            guard let next = key.withUTF8({ current.member(UnsafeRawBufferPointer($0)) }) else { return nil }
            current = next
        }
        return current
    }

    /// `ns:Name` as `Name`: elements are matched by local name, whatever prefix a file binds.
    static func localName(_ step: some StringProtocol) -> String {
        let text = String(step)
        return text.split(separator: ":").last.map(String.init) ?? text
    }

    static func readXML(
        _ input: OpenedInput, path: String, _ profile: MappingProfile, _ stats: inout SourceStats,
        _ onRecord: (consuming SettlementRecord) throws -> Void, _ onReject: (Reject) throws -> Void
    ) throws {
        let reader = try XMLReader(source: input.source)
        let recordName = localName(profile.records!)
        let fields = profile.fields.isEmpty ? profile.table.signature : profile.fields
        // `Refs/EndToEndId`, or `Amt@Ccy` for an attribute; prefixes stand for their local names
        let paths = fields.map { field -> (steps: [String], attribute: String?) in
            let parts = field.split(separator: "@", maxSplits: 1)
            let steps = parts.first.map { $0.split(separator: "/").map(localName) } ?? []
            return (steps, parts.count == 2 ? localName(parts[1]) : nil)
        }
        var adapter = TableAdapter(profile: profile.table, header: fields)!
        let source = SourceFile(path)
        var found = 0
        while let name = try reader.nextStart() {
            guard name == recordName else { continue }
            let element = try reader.readElement()
            found += 1
            let provenance = Provenance(
                source: source, position: SourcePosition(byte: 0, line: element.line, record: 0))
            let cells = paths.map { path -> [UInt8] in
                guard let target = path.steps.isEmpty ? element : element.path(components: path.steps[...]) else {
                    return []
                }
                return Array(((path.attribute.map { target.attribute(named: $0) } ?? target.nonEmptyText) ?? "").utf8)
            }
            try readRecord(
                cells, &adapter, provenance: provenance, raw: "<\(recordName)>", stats: &stats, onRecord: onRecord,
                onReject: onReject)
        }
        stats.controlTotals += adapter.controlTotals()
        if found == 0 {
            try SettlementSourceReader.rejectFile(
                "no <\(recordName)> element in the document: the profile's records name matches nothing",
                path: path, stats: &stats, onReject: onReject)
        }
    }
}
