public import PaymentModels

/// One input file as the run saw it.
public struct InputSummary: Sendable {
    public enum Role: String, Sendable { case payments, settlement, bank }

    public var role: Role
    public var path: String
    public var container: String
    public var format: String
    /// The adapter(s) that read it, e.g. `generic-csv` or `aggregator,yedpay`.
    public var provider: String
    public var records: Int
    public var rejected: Int
    /// A failure that stopped reading the file part-way (truncated gzip, unclosed JSON).
    public var fatalError: String?
    /// The encoding the file was read in, and whether it is a guess (not UTF-8, no byte order
    /// mark, none given, and not the format's own).
    public var encoding = "utf-8"
    public var encodingGuessed = false
    /// The SHA-256 of the file's bytes, where the run took it (a store run: its manifest).
    public var sha256: String?

    /// A warning for a person when the encoding was guessed.
    public var encodingWarning: String? {
        encodingGuessed
            ? "\(path): read as \(encoding), a guess (the file is not UTF-8 and has no byte order mark); if its "
                + "text looks wrong, give the file's encoding with --encoding or a profile's encoding:"
            : nil
    }

    public init(
        role: Role, path: String, container: String, format: String, provider: String,
        records: Int, rejected: Int, fatalError: String? = nil
    ) {
        self.role = role
        self.path = path
        self.container = container
        self.format = format
        self.provider = provider
        self.records = records
        self.rejected = rejected
        self.fatalError = fatalError
    }
}

/// Everything the report writers need: the result, the inputs and the rejects.
public struct RunReport: Sendable {
    public var version: String
    public var inputs: [InputSummary]
    public var result: ReconciliationResult
    public var rejects: [Reject]
    /// CSV text cells as they are, not neutralized against spreadsheet formulas (`--csv-raw`).
    public var rawCSV = false
    /// A store run's manifest: the SHA-256 of the rules and configuration in force (with the
    /// version and the inputs' own SHA-256, `summary.json` carries it as `manifest`).
    public var configSHA256: String?
    /// A store run's open exceptions by age and amount tier (`recon exceptions list` has each).
    public var exceptions: ExceptionsReport?

    public init(version: String, inputs: [InputSummary], result: ReconciliationResult, rejects: [Reject]) {
        self.version = version
        self.inputs = inputs
        self.result = result
        self.rejects = rejects
    }

    /// The pairing check: the writers verify conservation again before writing anything,
    /// because a report that does not add up must never reach a finance team.
    public func verify() -> [String] {
        var problems = result.checkConservation()
        let rejectedInputs = inputs.reduce(0) { $0 + $1.rejected }
        let rejectedCounted = result.payments.rejected + result.settlement.rejected + (result.bank?.rejected ?? 0)
        if rejectedInputs != rejectedCounted {
            problems.append("inputs list \(rejectedInputs) rejects but the result counts \(rejectedCounted)")
        }
        return problems
    }

    /// Discrepancy count per kind, in precedence order, zeros included.
    public var countsByKind: [(Discrepancy.Kind, Int)] {
        var counts = [Int](repeating: 0, count: Discrepancy.Kind.allCases.count)
        let findings = result.discrepancies
        for i in findings.indices { counts[findings[i].kind.precedence] += 1 }  // no copies
        return Discrepancy.Kind.allCases.map { ($0, counts[$0.precedence]) }
    }
}
