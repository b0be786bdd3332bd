import ArgumentParser
import Foundation
import PaymentModels
import ReconKit
import ReconReports
import ReconStore

/// `recon exceptions ...`: the findings of the store's runs as exceptions a finance team works
/// through: listed, shown, assigned, noted, resolved; every decision is in the audit log.
struct ExceptionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exceptions",
        abstract: "Work through the findings of the store's runs: list, show, assign, note, resolve.",
        discussion: """
            Every finding of a store run (recon run, recon reconcile --store) is an exception with \
            a stable id: the same finding on a later night keeps its id, its age and what was \
            decided about it. A resolved exception whose amounts change on a later night (a new \
            line for the same key) is opened again for review. Every decision is appended to the \
            audit log (recon audit log).
            """,
        subcommands: [
            List.self, Show.self, Assign.self, Note.self, Resolve.self, Suggest.self, Match.self, Unmatch.self,
            Export.self, Import.self,
        ])

    struct StoreOption: ParsableArguments {
        @Option(
            name: .long,
            help: "The store: an SQLite file or postgres://... (default: RECON_STORE_URL, recon.sqlite).",
            completion: .file())
        var store: String?

        var location: String { StoreOptions.location(store) }
    }

    struct Who: ParsableArguments {
        @Option(name: .long, help: "Who decides (default: the USER environment variable).")
        var by: String?

        var name: String { by ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown" }
    }

    static func json(_ e: ExceptionRow, day: String) -> [(String, String)] {
        let text = { (value: String?) in value.map(JSONText.string) ?? "null" }
        let f = e.finding
        return [
            ("id", text(e.id)), ("kind", text(f.kind)), ("state", text(e.state.rawValue)),
            ("age_days", "\(e.age(on: day))"), ("first_seen", text(e.firstSeen)), ("last_seen", text(e.lastSeen)),
            ("first_run", "\(e.firstRun)"), ("last_run", "\(e.lastRun)"), ("key", text(f.matchKey)),
            ("provider", text(f.provider)), ("payment_id", text(f.paymentId)), ("currency", text(f.currency)),
            ("expected", f.expectedMinor == nil ? "null" : ExceptionSheet.amount(f.expectedMinor, f.currency)),
            ("actual_currency", text(f.actualCurrency)),
            ("actual", f.actualMinor == nil ? "null" : ExceptionSheet.amount(f.actualMinor, f.actualCurrency)),
            ("detail", text(f.detail)), ("assignee", text(e.assignee)), ("resolution", text(e.resolution)),
            ("reason", text(e.reason)), ("decided_by", text(e.decidedBy)),
        ]
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List exceptions, oldest first (tab-separated under a header, or --json).")

        @OptionGroup var store: StoreOption
        @Option(name: .long, help: "Only this kind (missing_in_settlement, amount_mismatch, ...).")
        var kind: String?
        @Option(name: .long, help: "Only this state (open, assigned, resolved).")
        var state: String?
        @Option(name: .long, help: "Only those first seen more than this many days before the last night.")
        var olderThan: Int64?
        @Flag(name: .long, help: "A JSON array instead.")
        var json = false

        func validate() throws {
            if let state, ExceptionRow.State(rawValue: state) == nil {
                throw ValidationError("--state must be open, assigned or resolved, not '\(state)'")
            }
            if let kind, Discrepancy.Kind(rawValue: kind) == nil {
                let kinds = Discrepancy.Kind.allCases.map(\.code).joined(separator: ", ")
                throw ValidationError("--kind must be one of \(kinds), not '\(kind)'")
            }
        }

        func run() throws {
            try Output.guarded {
                let (rows, day) = try StoreAccess.exceptions(
                    store.location, state: state.flatMap(ExceptionRow.State.init(rawValue:)), kind: kind)
                let shown = rows.filter { olderThan == nil || $0.age(on: day) > olderThan! }
                if json {
                    Output.out(JSONText.array(shown.map { JSONText.object(json($0, day: day), indent: 1) }) + "\n")
                    return 0
                }
                Output.out("id\tkind\tstate\tage_days\tfirst_seen\tkey\tprovider\texpected\tactual\tassignee\n")
                for e in shown {
                    let f = e.finding
                    let cells = [
                        e.id, f.kind, e.state.rawValue, "\(e.age(on: day))", e.firstSeen, f.matchKey, f.provider,
                        f.expectedMinor == nil
                            ? "" : ExceptionSheet.amount(f.expectedMinor, f.currency) + " " + (f.currency ?? ""),
                        f.actualMinor == nil
                            ? ""
                            : ExceptionSheet.amount(f.actualMinor, f.actualCurrency) + " " + (f.actualCurrency ?? ""),
                        e.assignee ?? "",
                    ]
                    Output.out(cells.joined(separator: "\t") + "\n")
                }
                return 0
            }
        }

        func json(_ e: ExceptionRow, day: String) -> [(String, String)] { ExceptionsCommand.json(e, day: day) }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one exception: the finding, its age, what was decided, its notes and its audit entries.")

        @Argument(help: "The exception's id (EX-...).")
        var id: String
        @OptionGroup var store: StoreOption
        @Flag(name: .long, help: "A JSON object instead.")
        var json = false

        func run() throws {
            try Output.guarded {
                let (e, day, log) = try StoreAccess.exception(store.location, id: id)
                var fields = ExceptionsCommand.json(e, day: day)
                let notes = e.notes.map { note in
                    JSONText.object([
                        ("at", JSONText.string(note.at)), ("by", JSONText.string(note.author)),
                        ("note", JSONText.string(note.note)),
                    ])
                }
                fields.append(("notes", "[" + notes.joined(separator: ", ") + "]"))
                if json {
                    Output.out(JSONText.object(fields) + "\n")
                    return 0
                }
                for (name, value) in fields where name != "notes" {
                    let plain = value.hasPrefix("\"") ? String(value.dropFirst().dropLast()) : value
                    Output.out("\(name): \(plain)\n")
                }
                for note in e.notes { Output.out("note \(note.at) \(note.author): \(note.note)\n") }
                for entry in log {
                    Output.out("audit \(entry.seq) \(entry.at) \(entry.actor) \(entry.action): \(entry.reason)\n")
                }
                return 0
            }
        }
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Assign an exception to a person.")

        @Argument(help: "The exception's id (EX-...).")
        var id: String
        @Option(name: .long, help: "The person it is assigned to.")
        var to: String
        @OptionGroup var who: Who
        @OptionGroup var store: StoreOption

        func run() throws {
            try Output.guarded {
                try StoreAccess.decide(.assign(to: to), on: id, by: who.name, store: store.location)
                Output.err("recon: \(id) assigned to \(to)\n")
                return 0
            }
        }
    }

    struct Note: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a note to an exception.")

        @Argument(help: "The exception's id (EX-...).")
        var id: String
        @Option(name: .long, help: "The note.")
        var text: String
        @OptionGroup var who: Who
        @OptionGroup var store: StoreOption

        func run() throws {
            try Output.guarded {
                try StoreAccess.decide(.note(text), on: id, by: who.name, store: store.location)
                Output.err("recon: note added to \(id)\n")
                return 0
            }
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resolve an exception: written off, a difference accepted, or matched by hand.")

        @Argument(help: "The exception's id (EX-...).")
        var id: String
        @Option(name: .customLong("as"), help: "write-off, accepted-difference or matched.")
        var resolution: String
        @Option(name: .long, help: "Why (kept in the audit log).")
        var reason: String
        @Option(name: .long, help: "Who decides.")
        var by: String
        @OptionGroup var store: StoreOption

        func validate() throws {
            guard ExceptionRow.Resolution(rawValue: resolution) != nil else {
                throw ValidationError("--as must be write-off, accepted-difference or matched, not '\(resolution)'")
            }
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--reason must say why")
            }
        }

        func run() throws {
            try Output.guarded {
                let decision = ExceptionDecision.resolve(ExceptionRow.Resolution(rawValue: resolution)!, reason: reason)
                try StoreAccess.decide(decision, on: id, by: by, store: store.location)
                Output.err("recon: \(id) resolved (\(resolution)) by \(by)\n")
                return 0
            }
        }
    }
}

extension ExceptionsCommand {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write every exception to a CSV file, with columns to fill for decisions made offline.",
            discussion: """
                Fill 'action' (assign, note or resolve) and for assign 'to', for note 'note', for \
                resolve 'resolution' (write-off, accepted-difference, matched), 'reason' and 'by'; \
                then 'recon exceptions import FILE'.
                """)

        @Option(name: .long, help: "The CSV file to write.", completion: .file())
        var out: String
        @OptionGroup var store: StoreOption

        func run() throws {
            try Output.guarded {
                let count = try ExceptionSheet.export(store: store.location, to: out)
                Output.err("recon: \(count) exceptions written to \(out)\n")
                return 0
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply the decisions of a CSV file written by 'export': all of them, or none.",
            discussion: """
                Rows with an empty 'action' are left alone. The file is checked whole first: a row \
                with an unknown id, an unknown action, a missing value, or a decision on an \
                exception already resolved is named with its line and reason, and then nothing is \
                applied (exit 65).
                """)

        @Argument(help: "The CSV file.", completion: .file())
        var file: String
        @OptionGroup var who: Who
        @OptionGroup var store: StoreOption

        func run() throws {
            try Output.guarded {
                let count = try ExceptionSheet.apply(file, store: store.location, by: who.name)
                Output.err("recon: \(count) decisions applied from \(file)\n")
                return 0
            }
        }
    }
}

extension ExceptionsCommand {
    struct Match: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Match open payments and open settlement lines by hand (1:1, 1:N or N:1).",
            discussion: """
                One payment and the lines that settle it, or one line and the payments it pays, whose \
                amounts sum alike in one currency; they are closed at once and the exceptions they \
                made are resolved as matched. Undone with 'recon exceptions unmatch M-n'.
                """)

        @Option(name: .long, help: "A payment's key (reference, order id) or provider id; repeat for N:1.")
        var payment: [String] = []
        @Option(name: .long, help: "A settlement line's settlement id (or key); repeat for 1:N.")
        var settlement: [String] = []
        @Option(name: .long, help: "A payout the bank did not credit (its id), with --bank-credit.")
        var payout: String?
        @Option(name: .long, help: "The reference of a bank credit no payout took; repeat for several.")
        var bankCredit: [String] = []
        @Option(name: .long, help: "Why (kept in the audit log).")
        var reason: String
        @Option(name: .long, help: "Who decides.")
        var by: String
        @OptionGroup var store: StoreOption

        func validate() throws {
            let records = !payment.isEmpty && !settlement.isEmpty && payout == nil && bankCredit.isEmpty
            let credits = payout != nil && !bankCredit.isEmpty && payment.isEmpty && settlement.isEmpty
            guard records || credits else {
                throw ValidationError(
                    "give --payment and --settlement (records), or --payout and --bank-credit (a payout and its "
                        + "credits)"
                )
            }
        }

        func run() throws {
            try Output.guarded {
                let match =
                    try payout.map {
                        try StoreAccess.matchPayout(
                            $0, credits: bankCredit, reason: reason, by: by, store: store.location)
                    }
                    ?? StoreAccess.match(
                        payments: payment, settlement: settlement, reason: reason, by: by, store: store.location)
                Output.out(
                    "\(match.name): \(match.paymentKeys.joined(separator: " + ")) \(match.payment) matched with "
                        + "\(match.settlementIds.joined(separator: " + ")) = \(match.settled)\n")
                return 0
            }
        }
    }

    struct Suggest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suggest open records whose amounts sum exactly to an exception's (never applied).",
            discussion: """
                For a payment nobody settled (missing_in_settlement): sets of open settlement lines \
                in its currency, settled from a day before it was created to --days after. For a line \
                nobody created (unexpected_in_settlement, refund_unmatched: a transfer, a payout): \
                sets of open payments created from --days before it to a day after. Fewest records \
                first, then nearest in time; each with the 'recon exceptions match' that would apply it.
                """)

        @Argument(help: "The exception's id (EX-...).")
        var id: String
        @Option(name: .long, help: "The date window, in days.")
        var days: Int64 = 7
        @Option(name: .long, help: "At most this many records in a set.")
        var maxItems = 4
        @OptionGroup var store: StoreOption

        func validate() throws {
            guard (0...366).contains(days) else { throw ValidationError("--days must be 0 to 366") }
            guard (1...8).contains(maxItems) else { throw ValidationError("--max-items must be 1 to 8") }
        }

        func run() throws {
            try Output.guarded {
                let s = try StoreAccess.suggest(id, days: days, maxItems: maxItems, store: store.location)
                let f = s.exception.finding
                guard let search = s.search else {
                    Output.out(
                        "\(id) (\(f.kind) \(f.matchKey)): no suggestions: only a payment nobody settled or a line "
                            + "nobody created has them, while its record is open\n")
                    return 0
                }
                let among = search.side.candidates + " within"
                Output.out(
                    "\(id) \(f.kind) \(search.targetName) \(search.target): \(s.sets.count) suggestions among "
                        + "\(search.candidates.count) \(among) \(s.days) days in \(search.target.currency.code)\n")
                for (k, set) in s.sets.enumerated() {
                    let parts = set.map {
                        "\($0.name) \(Money(minorUnits: $0.minor, currency: search.target.currency))"
                    }
                    Output.out("\(k + 1). \(parts.joined(separator: " + ")) = \(search.target)\n   \(s.command(set))\n")
                }
                return 0
            }
        }
    }

    struct Unmatch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Undo a match: one made by hand (M-n), or one a run made (--payment KEY).",
            discussion: """
                The payment and its lines are open again for the next night. A match a run made is \
                never made again: the next night reports the payment and the lines as if their key \
                named nothing, for a person to decide (match them by hand, resolve, ...).
                """)

        @Argument(help: "A match made by hand (M-n, as 'match' printed it and the audit log shows).")
        var match: String?
        @Option(name: .long, help: "The key (or provider id) of a payment a run matched.")
        var payment: String?
        @Option(name: .long, help: "Why (kept in the audit log).")
        var reason: String
        @Option(name: .long, help: "Who decides.")
        var by: String
        @OptionGroup var store: StoreOption

        func validate() throws {
            guard (match == nil) != (payment == nil) else {
                throw ValidationError("give a match made by hand (M-n) or --payment KEY, one of them")
            }
        }

        func run() throws {
            try Output.guarded {
                if let payment {
                    let (run, lines) = try StoreAccess.unmatchRun(
                        payment: payment, reason: reason, by: by, store: store.location)
                    Output.out(
                        "the match of run \(run): payment \(payment) and \(lines.joined(separator: ", ")) are open "
                            + "again, and will not be matched together again\n")
                    return 0
                }
                let undone = try StoreAccess.unmatch(match!, reason: reason, by: by, store: store.location)
                Output.out(
                    "\(undone.name) undone: \(undone.paymentKeys.joined(separator: ", ")) and "
                        + "\(undone.settlementIds.joined(separator: ", ")) are open again\n")
                return 0
            }
        }
    }
}

/// `recon audit ...`: the store's log of runs and decisions, each entry chained to the one before.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Print or verify the audit log of runs and decisions.",
        subcommands: [Log.self, Verify.self])

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the audit log, oldest first (tab-separated under a header, or --json).")

        @OptionGroup var store: ExceptionsCommand.StoreOption
        @Flag(name: .long, help: "A JSON array instead.")
        var json = false

        func run() throws {
            try Output.guarded {
                let log = try StoreAccess.auditLog(store.location)
                if json {
                    let objects = log.map { e in
                        JSONText.object(
                            [
                                ("seq", "\(e.seq)"), ("at", JSONText.string(e.at)), ("actor", JSONText.string(e.actor)),
                                ("action", JSONText.string(e.action)), ("subject", JSONText.string(e.subject)),
                                ("run", e.run.map { "\($0)" } ?? "null"), ("reason", JSONText.string(e.reason)),
                                ("command", "[" + e.command.map(JSONText.string).joined(separator: ", ") + "]"),
                                ("previous", JSONText.string(e.previous)), ("hash", JSONText.string(e.hash)),
                            ], indent: 1)
                    }
                    Output.out(JSONText.array(objects) + "\n")
                    return 0
                }
                Output.out("seq\tat\tactor\taction\tsubject\treason\n")
                for e in log { Output.out("\(e.seq)\t\(e.at)\t\(e.actor)\t\(e.action)\t\(e.subject)\t\(e.reason)\n") }
                return 0
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the audit log's chain of hashes; exit 65 naming the first entry that does not hold.")

        @OptionGroup var store: ExceptionsCommand.StoreOption

        func run() throws {
            try Output.guarded {
                let log = try StoreAccess.auditLog(store.location)
                if let (entry, why) = Audit.firstBroken(log) {
                    Output.err("recon: the audit log does not hold from entry \(entry): \(why)\n")
                    return 65
                }
                Output.out("audit log holds: \(log.count) entries, each chained to the one before\n")
                return 0
            }
        }
    }
}
