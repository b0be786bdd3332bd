/// The store's schema as numbered migrations, run forward only, each in the transaction that
/// opens the store. The number reached is the store's version (SQLite's `user_version`); a
/// store whose version is above the last one here was written by a newer recon and is refused.
enum StoreSchema {
    static let migrations: [String] = [
        // 1: imported files, and the records each added
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
        CREATE TABLE payments (
            identity TEXT PRIMARY KEY,
            import_id INTEGER NOT NULL REFERENCES imports (id),
            system TEXT NOT NULL,
            key_field TEXT NOT NULL,
            key TEXT NOT NULL,
            other_keys TEXT NOT NULL,
            amount_minor INTEGER NOT NULL,
            currency TEXT NOT NULL,
            fee_minor INTEGER,
            net_minor INTEGER,
            status TEXT NOT NULL,
            raw_status TEXT NOT NULL,
            created_ms INTEGER,
            source TEXT NOT NULL
        );
        CREATE INDEX payments_key ON payments (key);
        CREATE TABLE settlement_records (
            identity TEXT PRIMARY KEY,
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
            source TEXT NOT NULL
        );
        CREATE INDEX settlement_records_key ON settlement_records (key);
        CREATE TABLE import_rejects (
            import_id INTEGER NOT NULL REFERENCES imports (id),
            source TEXT NOT NULL,
            field TEXT NOT NULL,
            reason TEXT NOT NULL
        );
        """
    ]

    static var version: Int64 { Int64(migrations.count) }
}
