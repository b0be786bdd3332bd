import Foundation
import PaymentModels
import ReconMatching
import ReconReports
public import ReconStore

/// The store's saved runs, for `recon runs` and `recon report`.
public enum StoreAccess {
    /// A store location as it may be printed: passwords taken out.
    public static func redacted(_ location: String) -> String { StoreLocation.redacted(location) }

    /// Whether a location names a PostgreSQL server (a URL or libpq's keyword form).
    public static func isServer(_ location: String) -> Bool { StoreLocation.isServer(location) }

    public static func runs(_ path: String) throws -> [RunRow] {
        do { return try openStore(path, existing: true).runs() } catch { throw ReconError(store: error) }
    }

    /// Writes the report files a run saved into `directory`; their names.
    public static func writeOutputs(run: Int64, store path: String, to directory: String) throws -> [String] {
        let outputs: [(name: String, content: [UInt8])]
        do { outputs = try openStore(path, existing: true).outputs(run: run) } catch {
            throw ReconError(store: error)
        }
        guard !outputs.isEmpty else {
            throw ReconError(.usage, "the store \(StoreLocation.redacted(path)) has no run \(run); see 'recon runs'")
        }
        try ReconcileJob.makeDirectory(directory)
        for file in outputs {
            // a name from the store is a plain file name, never a path out of the folder
            guard !file.name.isEmpty, !file.name.contains("/"), file.name != "..", file.name != "." else {
                let store = StoreLocation.redacted(path)
                throw ReconError(.io, "the store \(store) names an output '\(file.name)' that is not a file name")
            }
            do throws(OutputError) {
                let out = try OutputFile(path: directory + "/" + file.name)
                try out.write(String(decoding: file.content, as: UTF8.self))
                try out.close()
            } catch {
                throw ReconError(.io, error.description)
            }
        }
        return outputs.map(\.name)
    }
}

/// The store's exceptions and audit log, for `recon exceptions` and `recon audit`.
extension StoreAccess {
    /// The exceptions (filtered), and the day their ages are counted to: the last run's night.
    public static func exceptions(
        _ path: String, state: ExceptionRow.State? = nil, kind: String? = nil
    ) throws -> (rows: [ExceptionRow], day: String) {
        do {
            let store = try openStore(path, existing: true)
            let last = try store.runs().last
            let day = last.map { $0.businessDate ?? String($0.startedAt.prefix(10)) } ?? ""
            return (try store.exceptions(state: state, kind: kind), day)
        } catch { throw ReconError(store: error) }
    }

    public static func exception(_ path: String, id: String) throws -> (
        row: ExceptionRow, day: String, log: [AuditEntry]
    ) {
        do {
            let store = try openStore(path, existing: true)
            guard let row = try store.exception(id: id) else {
                throw ReconError(.dataUnusable, "there is no exception \(id); see 'recon exceptions list'")
            }
            let last = try store.runs().last
            let day = last.map { $0.businessDate ?? String($0.startedAt.prefix(10)) } ?? ""
            return (row, day, try store.auditLog().filter { $0.subject == id })
        } catch let error as StoreError { throw ReconError(store: error) }
    }

    /// Applies a decision in a write transaction of its own (serialized with runs and other
    /// decisions: of two people deciding at once, the second is told what the first decided).
    public static func decide(_ decision: ExceptionDecision, on id: String, by person: String, store path: String)
        throws
    {
        do {
            let store = try openStore(path, existing: true)
            let at = Timestamp.current.description
            try store.writeTransaction(commit: true, onWait: {}) {
                try store.announce("recon exceptions, \(person) deciding \(id), started \(at)")
                try store.decide(decision, on: id, by: person, at: at)
            }
        } catch let error as ExceptionRefusal {
            throw ReconError(.dataUnusable, error.description)
        } catch let error as StoreError {
            throw ReconError(store: error)
        }
    }

    public static func auditLog(_ path: String) throws -> [AuditEntry] {
        do { return try openStore(path, existing: true).auditLog() } catch { throw ReconError(store: error) }
    }

    /// A match made by hand, or one undone, in a write transaction of its own.
    public static func match(
        payments: [String], settlement: [String], reason: String, by person: String, store path: String
    ) throws -> ManualMatch {
        try handDecision(store: path, what: "matching \(payments.joined(separator: ", ")) by hand") { store, at in
            try store.matchByHand(paymentKeys: payments, settlementIds: settlement, reason: reason, by: person, at: at)
        }
    }

    public static func unmatch(_ name: String, reason: String, by person: String, store path: String) throws
        -> ManualMatch
    {
        try handDecision(store: path, what: "undoing \(name)") { store, at in
            try store.unmatchByHand(name, reason: reason, by: person, at: at)
        }
    }

    public static func matchPayout(
        _ payout: String, credits: [String], reason: String, by person: String, store path: String
    ) throws -> ManualMatch {
        try handDecision(store: path, what: "matching the payout \(payout) by hand") { store, at in
            try store.matchPayoutByHand(payout: payout, credits: credits, reason: reason, by: person, at: at)
        }
    }

    public static func unmatchRun(
        payment: String, reason: String, by person: String, store path: String
    ) throws -> (run: Int64, lines: [String]) {
        try handDecision(store: path, what: "undoing the match of \(payment)") { store, at in
            try store.unmatchRun(paymentKey: payment, reason: reason, by: person, at: at)
        }
    }

    static func handDecision<T>(store path: String, what: String, _ body: (any Store, String) throws -> T) throws -> T {
        do {
            let store = try openStore(path, existing: true)
            let at = Timestamp.current.description
            return try store.writeTransaction(commit: true, onWait: {}) {
                try store.announce("recon exceptions, \(what), started \(at)")
                return try body(store, at)
            }
        } catch let error as ExceptionRefusal {
            throw ReconError(.dataUnusable, error.description + "; nothing was changed")
        } catch let error as StoreError {
            throw ReconError(store: error)
        }
    }
}

/// Suggestions for an exception: sets of open records of the other side whose amounts sum
/// exactly to its record's, nearest in time first; never applied (`recon exceptions match` does).
public struct Suggestions: Sendable {
    public var exception: ExceptionRow
    public var search: SuggestionSearch?
    /// Each set as candidates of `search`.
    public var sets: [[SuggestionSearch.Candidate]]
    public var days: Int64

    /// The `recon exceptions match` command line that would apply a set.
    public func command(_ set: [SuggestionSearch.Candidate]) -> String {
        guard let search else { return "" }
        let flags = search.side.flags
        let target = "\(flags.target) \(Suggestions.quoted(search.targetName))"
        let others = set.map { "\(flags.candidate) \(Suggestions.quoted($0.name))" }
        return "recon exceptions match \(([target] + others).joined(separator: " ")) --reason \"...\" --by NAME"
    }

    static func quoted(_ text: String) -> String {
        text.allSatisfy { $0.isLetter || $0.isNumber || "-_.:/".contains($0) } ? text : "'\(text)'"
    }
}

extension StoreAccess {
    public static func suggest(_ id: String, days: Int64, maxItems: Int, store path: String) throws -> Suggestions {
        do {
            let store = try openStore(path, existing: true)
            guard let exception = try store.exception(id: id) else {
                throw ReconError(.dataUnusable, "there is no exception \(id); see 'recon exceptions list'")
            }
            guard let search = try store.suggestionSearch(for: exception, days: days) else {
                return Suggestions(exception: exception, search: nil, sets: [], days: days)
            }
            let found = SubsetSum.find(search.target.minorUnits, in: search.candidates.map(\.minor), maxItems: maxItems)
            // nearest in time first (after fewest records): a day apart is closer than a week
            func distance(_ set: [Int]) -> Int64 {
                set.reduce(0) { total, k in
                    let at = search.candidates[k].milliseconds
                    guard let at, let from = search.milliseconds else { return total }
                    return total + abs(at - from) / 1_000
                }
            }
            let sets = found.sorted { ($0.count, distance($0)) < ($1.count, distance($1)) }
            return Suggestions(
                exception: exception, search: search, sets: sets.map { $0.map { search.candidates[$0] } }, days: days)
        } catch let error as StoreError { throw ReconError(store: error) }
    }
}
