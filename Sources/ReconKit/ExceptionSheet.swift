import Foundation
import PaymentModels
import ReconIngest
import ReconReports
public import ReconStore

/// Exceptions as a spreadsheet, for decisions made offline: `export` writes every exception with
/// empty `action`, `to`, `note` and `by` columns; a team fills them (`assign` with `to`, `note`
/// with `note`, `resolve` with `resolution` and `reason`) and `import` applies the file whole or
/// not at all, naming every row it refuses.
public enum ExceptionSheet {
    static let columns = [
        "id", "kind", "state", "age_days", "first_seen", "last_seen", "key", "provider", "expected",
        "expected_currency", "actual", "actual_currency", "assignee", "resolution", "reason", "decided_by", "action",
        "to", "note", "by",
    ]

    /// An exception's amount for a person: minor units at its currency's exponent ("" for none).
    public static func amount(_ minor: Int64?, _ currency: String?) -> String {
        guard let minor else { return "" }
        guard let currency = currency.flatMap(Currency.init(code:)) else { return "\(minor)" }
        return Money(minorUnits: minor, currency: currency).decimalString
    }

    /// Writes every exception to `path` (CSV); their number.
    public static func export(store location: String, to path: String) throws -> Int {
        let (rows, day) = try StoreAccess.exceptions(location)
        var text = CSVFormat.row(columns)
        for e in rows {
            let f = e.finding
            let cells = [
                e.id, f.kind, e.state.rawValue, "\(e.age(on: day))", e.firstSeen, e.lastSeen, f.matchKey, f.provider,
                amount(f.expectedMinor, f.currency), f.expectedMinor == nil ? "" : f.currency ?? "",
                amount(f.actualMinor, f.actualCurrency), f.actualCurrency ?? "", e.assignee ?? "", e.resolution ?? "",
                e.reason ?? "", e.decidedBy ?? "", "", "", "", "",
            ]
            text += cells.map { CSVFormat.text($0) }.joined(separator: ",") + "\n"
        }
        do throws(OutputError) {
            let out = try OutputFile(path: path)
            try out.write(text)
            try out.close()
        } catch {
            throw ReconError(.io, error.description)
        }
        return rows.count
    }

    /// One decision read from the sheet.
    struct Row {
        var line: Int64
        var id: String
        var decision: ExceptionDecision
        var by: String
    }

    /// Applies the decisions of the sheet at `path`: validated whole first (every bad row named
    /// with its line, id and reason, and then nothing applied), then applied in one transaction.
    /// The number of decisions applied.
    public static func apply(_ path: String, store location: String, by defaultPerson: String) throws -> Int {
        let (exceptions, _) = try StoreAccess.exceptions(location)
        let known = Dictionary(exceptions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let (rows, problems) = try read(path, known: known, defaultPerson: defaultPerson)
        guard problems.isEmpty else {
            throw ReconError(
                .dataUnusable,
                "\(path): \(problems.count) of the rows with an action refused, nothing applied:\n"
                    + problems.joined(separator: "\n"))
        }
        let at = Timestamp.current.description
        do {
            let store = try openStore(location, existing: true)
            try store.writeTransaction(commit: true, onWait: {}) {
                try store.announce("recon exceptions import \(path), started \(at)")
                for row in rows { try store.decide(row.decision, on: row.id, by: row.by, at: at) }
            }
        } catch let error as ExceptionRefusal {
            // decided by someone else since the sheet was read: nothing of the sheet applied
            throw ReconError(.dataUnusable, "\(path): \(error.description); nothing of the file was applied")
        } catch let error as StoreError {
            throw ReconError(store: error)
        }
        return rows.count
    }

    /// The sheet's decisions, and what is wrong with each row that has an action.
    static func read(
        _ path: String, known: [String: ExceptionRow], defaultPerson: String
    ) throws -> ([Row], [String]) {
        var rows: [Row] = []
        var problems: [String] = []
        do {
            let reader = try CSVReader(source: FileByteSource(path: path))
            guard let header = try reader.next() else { throw ReconError(.dataUnusable, "\(path): empty file") }
            let names = (0..<header.count).map { Self.cell(header.string($0)) }
            let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            guard index["id"] != nil, index["action"] != nil else {
                throw ReconError(
                    .dataUnusable,
                    "\(path): the header has no 'id' and 'action' columns (write it with 'recon exceptions export')")
            }
            var resolved = Set(known.values.filter { $0.state == .resolved }.map(\.id))
            while let row = try reader.next() {
                let value = { (name: String) in index[name].map { Self.cell(row.string($0)) } ?? "" }
                let action = value("action").lowercased()
                guard !action.isEmpty else { continue }
                let (id, line) = (value("id"), row.position.line)
                let by = value("by").isEmpty ? defaultPerson : value("by")
                func refuse(_ why: String) { problems.append("  line \(line): \(id.isEmpty ? "(no id)" : id): \(why)") }
                guard known[id] != nil else {
                    refuse("no such exception")
                    continue
                }
                guard !resolved.contains(id) else {
                    refuse("already resolved; a resolved exception takes no more decisions")
                    continue
                }
                switch action {
                case "assign":
                    guard !value("to").isEmpty else {
                        refuse("assign needs the person in 'to'")
                        continue
                    }
                    rows.append(Row(line: line, id: id, decision: .assign(to: value("to")), by: by))
                case "note":
                    guard !value("note").isEmpty else {
                        refuse("note needs the text in 'note'")
                        continue
                    }
                    rows.append(Row(line: line, id: id, decision: .note(value("note")), by: by))
                case "resolve":
                    guard let resolution = ExceptionRow.Resolution(rawValue: value("resolution")) else {
                        refuse(
                            "resolve needs 'resolution' write-off, accepted-difference or matched, "
                                + "not '\(value("resolution"))'"
                        )
                        continue
                    }
                    guard !value("reason").isEmpty, !value("by").isEmpty else {
                        refuse("resolve needs a 'reason' and who decides in 'by'")
                        continue
                    }
                    resolved.insert(id)
                    rows.append(
                        Row(line: line, id: id, decision: .resolve(resolution, reason: value("reason")), by: by))
                default:
                    refuse("'\(action)' is not an action (assign, note, resolve)")
                }
            }
        } catch let error as IngestError {
            throw ReconError(.io, error.description)
        }
        return (rows, problems)
    }

    /// A cell as written by `export`: a leading apostrophe that kept a spreadsheet from reading
    /// the text as a formula is taken off; blanks at either end too.
    static func cell(_ text: String) -> String {
        var value = text.trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("'"), CSVFormat.startsLikeAFormula(value.utf8.dropFirst().first) { value.removeFirst() }
        return value
    }
}
