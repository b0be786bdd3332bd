/// The store's schema as numbered migrations, run forward only, in the transaction that opens
/// the store. The number reached is the store's version (SQLite's `user_version`); a store
/// whose version is above the last one here was written by a newer recon and is refused.
///
/// Amounts are integers in minor units with their currency code; times are milliseconds since
/// 1970 (UTC). A payment's keys are kept in one column (`field=value`, joined by U+001F). Only
/// identities and open records are indexed: every index costs each of a night's million
/// inserts (two key indexes halved the import speed), and the one query that searches settled
/// payments by key runs once per run, as a scan. A record stays open (its row number in
/// `open_payments` or `open_settlement`) until a run settles it (its row number then in
/// `payment_closures` or `settlement_closures`, with the run's): open payments and settlement
/// records are what the next run reconciles.
/// A record's `source_file` is '' when it is the file its import read (`imports.path`): that
/// path on every row was a fifth of the row (see `StoredRows.sourceFile`).
enum StoreSchema {
    static let migrations: [String] = [
        // 1: imported files, their records and rejects; runs, their outputs
        """
        CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            side TEXT NOT NULL CHECK (side IN ('payments', 'settlement')),
            path TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            records INTEGER NOT NULL,
            added INTEGER NOT NULL,
            rejected INTEGER NOT NULL,
            UNIQUE (side, sha256)
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            summary TEXT NOT NULL,
            exit_status INTEGER NOT NULL,
            payments_open INTEGER NOT NULL,
            settlement_open INTEGER NOT NULL,
            matched INTEGER NOT NULL,
            discrepancies INTEGER NOT NULL
        );
        CREATE TABLE run_outputs (
            run_id INTEGER NOT NULL REFERENCES runs (id),
            name TEXT NOT NULL,
            content BLOB NOT NULL,
            PRIMARY KEY (run_id, name)
        );
        CREATE TABLE payments (
            id INTEGER PRIMARY KEY,
            identity TEXT NOT NULL UNIQUE,
            import_id INTEGER NOT NULL REFERENCES imports (id),
            system TEXT NOT NULL,
            key TEXT NOT NULL,
            provider_id TEXT,
            keys TEXT NOT NULL,
            amount_minor INTEGER NOT NULL,
            currency TEXT NOT NULL,
            fee_minor INTEGER,
            net_minor INTEGER,
            status TEXT NOT NULL,
            raw_status TEXT NOT NULL,
            created_ms INTEGER,
            source_file TEXT NOT NULL,
            source_byte INTEGER NOT NULL,
            source_line INTEGER NOT NULL,
            source_record INTEGER NOT NULL,
            source_locator INTEGER NOT NULL,
            closed_run INTEGER REFERENCES runs (id)
        );
        CREATE INDEX payments_open ON payments (id) WHERE closed_run IS NULL;
        CREATE TABLE settlement_records (
            id INTEGER PRIMARY KEY,
            identity TEXT NOT NULL UNIQUE,
            import_id INTEGER NOT NULL REFERENCES imports (id),
            provider TEXT,
            key TEXT NOT NULL,
            alternate_keys TEXT NOT NULL,
            settlement_id TEXT,
            gross_minor INTEGER NOT NULL,
            currency TEXT NOT NULL,
            fee_minor INTEGER,
            net_minor INTEGER,
            status TEXT NOT NULL,
            raw_status TEXT NOT NULL,
            settled_ms INTEGER,
            source_file TEXT NOT NULL,
            source_byte INTEGER NOT NULL,
            source_line INTEGER NOT NULL,
            source_record INTEGER NOT NULL,
            source_locator INTEGER NOT NULL,
            closed_run INTEGER REFERENCES runs (id)
        );
        CREATE INDEX settlement_records_open ON settlement_records (id) WHERE closed_run IS NULL;
        CREATE TABLE import_rejects (
            import_id INTEGER NOT NULL REFERENCES imports (id),
            source TEXT NOT NULL,
            field TEXT NOT NULL,
            reason TEXT NOT NULL
        );
        """,
        // 2: what a settlement line is about (payment, refund, fee, payout, ...) and its payout batch
        """
        ALTER TABLE settlement_records ADD COLUMN kind TEXT NOT NULL DEFAULT 'payment';
        ALTER TABLE settlement_records ADD COLUMN batch_id TEXT;
        """,
        // 3: a batch's lines found by its id, whatever night brought them (only lines with one)
        """
        CREATE INDEX settlement_records_batch ON settlement_records (batch_id) WHERE batch_id IS NOT NULL;
        """,
        // 4: a line paid out in another currency than it was charged in: the currency of its fee
        // and net (NULL: the gross's) and the exchange rate the file states; a payment's ordered
        // amount where less is expected to settle (WooshPay's amount_received); when a line's batch is
        // paid out (Stripe's automatic_payout_effective_at)
        """
        ALTER TABLE settlement_records ADD COLUMN settlement_currency TEXT;
        ALTER TABLE settlement_records ADD COLUMN exchange_rate TEXT;
        ALTER TABLE settlement_records ADD COLUMN payout_ms INTEGER;
        ALTER TABLE payments ADD COLUMN ordered_minor INTEGER;
        """,
        // 5: the night a run was for (`recon run --date`) and the thresholds it exceeded, one
        // per line; exit_status is then the job's exit code, thresholds included
        """
        ALTER TABLE runs ADD COLUMN business_date TEXT;
        ALTER TABLE runs ADD COLUMN breaches TEXT;
        """,
        // 6: what is open, and which run closed what, in narrow tables of row numbers: a run
        // that closed its rows by setting `closed_run` rewrote every page of the two wide
        // tables (6 of a million-row night's 15 s); deleting from `open_*` and adding to
        // `*_closures` writes a few hundred pages. `closed_run` stays, no longer written.
        openAndClosedTables(integer: "INTEGER"),
        // 7: exceptions (each finding of a store run, kept under a stable id with what people
        // decided about it), matches made by hand (their rows closed by "run 0"), pairs a person
        // unmatched (never matched again), bank credits no payout took (for suggestions), and the
        // audit log of runs and decisions, each entry
        // chained to the one before by its hash
        exceptionTables(integer: "INTEGER"),
    ]

    /// The seventh migration, for both stores.
    static func exceptionTables(integer: String) -> String {
        """
        CREATE TABLE exceptions (
            id TEXT PRIMARY KEY, kind TEXT NOT NULL, match_key TEXT NOT NULL, provider TEXT NOT NULL,
            payment_id TEXT, currency TEXT, expected_minor \(integer), actual_currency TEXT, actual_minor \(integer),
            detail TEXT NOT NULL,
            first_run \(integer) NOT NULL, last_run \(integer) NOT NULL, first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('open', 'assigned', 'resolved')),
            assignee TEXT, resolution TEXT, reason TEXT, decided_by TEXT);
        CREATE INDEX exceptions_state ON exceptions (state, kind);
        CREATE TABLE exception_notes (
            exception_id TEXT NOT NULL REFERENCES exceptions (id), at TEXT NOT NULL, author TEXT NOT NULL,
            note TEXT NOT NULL);
        CREATE TABLE manual_matches (
            id \(integer) PRIMARY KEY, payment_rows TEXT NOT NULL, payment_keys TEXT NOT NULL,
            settlement_rows TEXT NOT NULL, settlement_ids TEXT NOT NULL, currency TEXT NOT NULL,
            payment_minor \(integer) NOT NULL, settlement_minor \(integer) NOT NULL, reason TEXT NOT NULL,
            decided_by TEXT NOT NULL, at TEXT NOT NULL, undone_at TEXT, undo_reason TEXT, undone_by TEXT);
        CREATE TABLE bank_credits (
            identity TEXT PRIMARY KEY, reference TEXT NOT NULL, amount_minor \(integer) NOT NULL,
            currency TEXT NOT NULL, booked_ms \(integer), first_run \(integer) NOT NULL, matched TEXT);
        CREATE TABLE match_exclusions (
            payment_identity TEXT NOT NULL, settlement_identity TEXT NOT NULL, unmatched_at TEXT NOT NULL,
            PRIMARY KEY (payment_identity, settlement_identity));
        CREATE TABLE audit_log (
            seq \(integer) PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
            subject TEXT NOT NULL, run_id \(integer), reason TEXT NOT NULL, command TEXT NOT NULL,
            previous TEXT NOT NULL, hash TEXT NOT NULL);
        """
    }

    /// The sixth migration, for both stores (`integer`: the store's 64-bit integer type).
    static func openAndClosedTables(integer: String) -> String {
        """
        CREATE TABLE open_payments (id \(integer) PRIMARY KEY);
        CREATE TABLE open_settlement (id \(integer) PRIMARY KEY);
        CREATE TABLE payment_closures (id \(integer) PRIMARY KEY, run \(integer) NOT NULL);
        CREATE TABLE settlement_closures (id \(integer) PRIMARY KEY, run \(integer) NOT NULL);
        INSERT INTO open_payments SELECT id FROM payments WHERE closed_run IS NULL;
        INSERT INTO open_settlement SELECT id FROM settlement_records WHERE closed_run IS NULL;
        INSERT INTO payment_closures SELECT id, closed_run FROM payments WHERE closed_run IS NOT NULL;
        INSERT INTO settlement_closures SELECT id, closed_run FROM settlement_records WHERE closed_run IS NOT NULL;
        DROP INDEX payments_open;
        DROP INDEX settlement_records_open;
        """
    }

    static var version: Int64 { Int64(migrations.count) }
}
