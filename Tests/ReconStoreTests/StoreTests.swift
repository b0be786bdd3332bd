import CLibPQ
import CSQLite
import Dispatch
import Foundation
import PaymentModels
import ReconStore
import ReconTestSupport
import Testing

func payment(_ key: String, _ minor: Int64) -> Payment {
    Payment(
        system: .formance, keys: [PaymentKey(.reference, key)],
        amount: Money(minorUnits: minor, currency: Currency(code: "EUR")!), status: .succeeded,
        rawStatus: "SUCCEEDED", createdAt: nil,
        provenance: Provenance(file: "p.jsonl", position: SourcePosition(byte: 0, line: 1, record: 1)))
}

func record(_ key: String, _ minor: Int64, id: String? = nil) -> SettlementRecord {
    SettlementRecord(
        key: key, settlementId: id, provider: "test", gross: Money(minorUnits: minor, currency: Currency(code: "EUR")!),
        status: .settled, rawStatus: "settled", settledAt: nil,
        provenance: Provenance(file: "s.csv", position: SourcePosition(byte: 0, line: 2, record: 1)))
}

func importPayments(_ store: any Store, sha: String, _ payments: [Payment]) throws -> ImportOutcome {
    try store.importFile(side: .payments, path: "p-\(sha).jsonl", sha256: sha, importedAt: "now") { sink in
        for p in payments { try sink.add(p) }
    }
}

/// The same behaviour from both stores: SQLite, and PostgreSQL when the test command started one.
@Suite struct StoreTests {
    @Test(arguments: TestStores.kinds)
    func theSameContentTwiceChangesNothing(kind: String) throws {
        let store = try openStore(TestStores.make(kind))
        let first = try importPayments(store, sha: "aa", [payment("A", 100), payment("B", 200)])
        #expect(first == .imported(records: 2, added: 2, known: 0, rejected: 0))
        let again = try importPayments(store, sha: "aa", [payment("A", 100), payment("B", 200)])
        #expect(again == .alreadyImported(path: "p-aa.jsonl", at: "now"))
        #expect(try store.counts().payments == 2 && store.counts().imports == 1)
    }

    @Test(arguments: TestStores.kinds)
    func overlappingFilesAddOnlyWhatIsNewAndIdenticalRowsInOneFileStayTwo(kind: String) throws {
        let store = try openStore(TestStores.make(kind))
        _ = try importPayments(store, sha: "aa", [payment("A", 100), payment("B", 200)])
        let overlap = try importPayments(store, sha: "bb", [payment("B", 200), payment("C", 300)])
        #expect(overlap == .imported(records: 2, added: 1, known: 1, rejected: 0))
        let outcome = try store.importFile(side: .settlement, path: "s.csv", sha256: "cc", importedAt: "now") {
            try $0.add(record("R", 500))
            try $0.add(record("R", 500))  // the same row twice in one file: two real settlements
            try $0.add(record("X", 100, id: "st_1"))
            try $0.add(record("X", -100, id: "st_1"))  // its reversal under the same id
            let source = Provenance(file: "s.csv", position: SourcePosition(byte: 0, line: 6, record: 5))
            try $0.reject(Reject(source: source, field: "gross", reason: "'1,2O' is not a decimal amount", raw: ""))
        }
        #expect(outcome == .imported(records: 5, added: 4, known: 0, rejected: 1))
        let later = try store.importFile(side: .settlement, path: "s2.csv", sha256: "dd", importedAt: "now") {
            try $0.add(record("R", 500))
            try $0.add(record("R", 500))
            try $0.add(record("R", 500))  // a third occurrence is new
            try $0.add(record("X", 100, id: "st_1"))
        }
        #expect(later == .imported(records: 4, added: 1, known: 3, rejected: 0))
        #expect(try store.counts() == (imports: 4, payments: 3, settlement: 5))
        #expect(try store.openSettlement().records.map(\.key) == ["R", "R", "X", "X", "R"])
    }

    @Test(arguments: TestStores.kinds)
    func aFailedImportLeavesTheStoreAsItWas(kind: String) throws {
        struct Killed: Error {}
        let store = try openStore(TestStores.make(kind))
        #expect(throws: Killed.self) {
            try store.importFile(side: .payments, path: "p.jsonl", sha256: "aa", importedAt: "now") {
                try $0.add(payment("A", 100))
                throw Killed()
            }
        }
        #expect(try store.counts() == (imports: 0, payments: 0, settlement: 0))
        #expect(try importPayments(store, sha: "aa", [payment("A", 100)]).added == 1)
    }

    @Test(arguments: TestStores.kinds)
    func recordsComeBackAsTheyWentIn(kind: String) throws {
        let store = try openStore(TestStores.make(kind))
        var p = Payment(
            system: .commercelayer,
            keys: [PaymentKey(.reference, "ORD\t1"), PaymentKey(.chargeId, "ch_1"), PaymentKey(.id, "x\\y")],
            amount: Money(minorUnits: 1234, currency: Currency(code: "KWD")!), status: .unknown,
            rawStatus: "odd\nstatus",
            createdAt: Timestamp(millisecondsSince1970: 1_714_550_400_123),
            provenance: Provenance(
                file: "ü.json", position: SourcePosition(byte: 9, line: 0, record: 3), locator: .record))
        p.fee = Money(minorUnits: 12, currency: Currency(code: "KWD")!)
        _ = try importPayments(store, sha: "aa", [p])
        let back = try #require(try store.openPayments().records.first)
        #expect(
            back.keys.map(\.value) == ["ORD\t1", "ch_1", "x\\y"]
                && back.keys.map(\.field) == [.reference, .chargeId, .id])
        #expect(back.amount == p.amount && back.fee == p.fee && back.net == nil && back.status == .unknown)
        #expect(back.rawStatus == "odd\nstatus" && back.createdAt == p.createdAt && back.provenance == p.provenance)
        #expect(back.provenance.description == "ü.json:record 3")
    }

    /// A large file that overlaps an earlier one: PostgreSQL's COPY straight into the table is
    /// refused after megabytes have been sent, and the file is read again the careful way.
    @Test(arguments: TestStores.kinds)
    func aLargeOverlappingFileAddsOnlyWhatIsNew(kind: String) throws {
        let store = try openStore(TestStores.make(kind))
        let night = (0..<30_000).map { payment("ORDER-\($0)", Int64($0)) }
        #expect(try importPayments(store, sha: "aa", night).added == 30_000)
        let again = try importPayments(store, sha: "bb", night + [payment("NEW-1", 1)])
        #expect(again == .imported(records: 30_001, added: 1, known: 30_000, rejected: 0))
        #expect(try store.counts().payments == 30_001)
    }

    /// The import's own file is stored once, on its import; a record from another file (an
    /// archive's member, say) keeps its own. Both come back as they went in.
    @Test(arguments: TestStores.kinds)
    func eachRecordsFileComesBack(kind: String) throws {
        let store = try openStore(TestStores.make(kind))
        func from(_ file: String, line: Int64) -> SettlementRecord {
            var r = record("K\(line)", 100)
            r.provenance = Provenance(file: file, position: SourcePosition(byte: 0, line: line, record: line - 1))
            return r
        }
        _ = try store.importFile(side: .settlement, path: "night.zip", sha256: "aa", importedAt: "now") {
            try $0.add(from("night.zip", line: 2))
            try $0.add(from("night.zip:inner.csv", line: 3))
        }
        _ = try store.importFile(side: .settlement, path: "next.csv", sha256: "bb", importedAt: "now") {
            try $0.add(from("next.csv", line: 4))
        }
        let back = try store.openSettlement().records.map(\.provenance.description)
        #expect(back == ["night.zip:2", "night.zip:inner.csv:3", "next.csv:4"])
    }

    @Test(arguments: TestStores.kinds)
    func settlementKindsAndBatchesComeBack(kind: String) throws {
        let store = try openStore(TestStores.make(kind))
        let usd = Currency(code: "USD")!
        var refund = SettlementRecord(
            key: "ORD-1", settlementId: "re_1", provider: "stripe-report",
            gross: Money(minorUnits: -500, currency: usd),
            status: .settled, rawStatus: "",
            provenance: Provenance(file: "s.csv", position: SourcePosition(byte: 1, line: 2, record: 1)))
        refund.kind = .refund
        refund.batchId = "po_1"
        var plain = refund
        plain.kind = .payment
        plain.batchId = nil
        plain.settlementId = "ch_1"
        _ = try store.importFile(side: .settlement, path: "s.csv", sha256: "bb", importedAt: "now") { sink in
            try sink.add(refund)
            try sink.add(plain)
        }
        let back = try store.openSettlement().records
        #expect(back.map(\.kind) == [.refund, .payment] && back.map(\.batchId) == ["po_1", nil])
    }

    final class Flag: @unchecked Sendable {
        var waited = false
        var imported = false
    }

    @Test(arguments: TestStores.kinds)
    func aSecondWriterWaitsForTheFirstAndSaysSo(kind: String) throws {
        let location = TestStores.make(kind)
        let first = try openStore(location)
        let waiting = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let flag = Flag()
        try first.writeTransaction(commit: true, onWait: {}) {
            Thread.detachNewThread {
                defer { done.signal() }
                guard let second = try? openStore(location) else { return }
                let outcome = try? second.writeTransaction(
                    commit: true,
                    onWait: {
                        flag.waited = true
                        waiting.signal()
                    }
                ) {
                    try second.importInTransaction(side: .payments, path: "p", sha256: "bb", importedAt: "now") {
                        try $0.add(payment("B", 1))
                    }
                }
                flag.imported = outcome != nil
            }
            // the first writer holds the store until the second has started waiting
            #expect(waiting.wait(timeout: .now() + 30) == .success)
            _ = try first.importInTransaction(side: .payments, path: "p", sha256: "aa", importedAt: "now") {
                try $0.add(payment("A", 1))
            }
        }
        #expect(done.wait(timeout: .now() + 60) == .success)
        #expect(flag.waited && flag.imported)
        #expect(try first.counts().payments == 2)
    }

    /// A store of schema 5 (runs closed rows by setting `closed_run`) opened by this recon: its
    /// open rows stay open, its closed rows closed by their runs, and a key an earlier run
    /// settled is still found. The store is made with this recon, then put back as schema 5 left
    /// it (the narrow tables folded back into `closed_run`, the partial indexes made again, the
    /// exception tables of schema 7 gone).
    @Test(arguments: TestStores.kinds)
    func aStoreOfSchema5IsMigratedWithWhatIsOpenAndClosed(kind: String) throws {
        let location = TestStores.make(kind)
        var store = try openStore(location)
        _ = try importPayments(store, sha: "p1", [payment("A", 100), payment("B", 200)])
        _ = try store.importFile(side: .settlement, path: "s.csv", sha256: "s1", importedAt: "now") {
            try $0.add(record("A", 100))
            try $0.add(record("X", 5))
        }
        let paymentRows = try store.openPayments().rows
        let lineRows = try store.openSettlement().rows
        let run = try store.writeTransaction(commit: true, onWait: {}) {
            try store.save(
                RunToSave(
                    startedAt: "now", summary: "one matched", exitStatus: 1, paymentsOpen: 2, settlementOpen: 2,
                    matched: 1, discrepancies: 2, outputs: [], closedPayments: [paymentRows[0]],
                    closedSettlement: [lineRows[0]]))
        }
        #expect(run == 1)
        let downgrade = """
            UPDATE payments SET closed_run = (SELECT run FROM payment_closures c WHERE c.id = payments.id);
            UPDATE settlement_records SET closed_run = (SELECT run FROM settlement_closures c
                WHERE c.id = settlement_records.id);
            DROP TABLE open_payments; DROP TABLE open_settlement;
            DROP TABLE payment_closures; DROP TABLE settlement_closures;
            CREATE INDEX payments_open ON payments (id) WHERE closed_run IS NULL;
            CREATE INDEX settlement_records_open ON settlement_records (id) WHERE closed_run IS NULL;
            DROP TABLE exception_notes; DROP TABLE exceptions; DROP TABLE manual_matches; DROP TABLE match_exclusions; DROP TABLE bank_credits; DROP TABLE audit_log;
            """
        if kind == "sqlite" {
            var db: OpaquePointer?
            #expect(sqlite3_open(location, &db) == SQLITE_OK)
            #expect(sqlite3_exec(db, downgrade + "PRAGMA user_version = 5;", nil, nil, nil) == SQLITE_OK)
            sqlite3_close(db)
        } else {
            let connection = PQconnectdb(location)
            let result = PQexec(connection, downgrade + "DELETE FROM recon_schema WHERE version >= 6;")
            #expect(PQresultStatus(result) == PGRES_COMMAND_OK)
            PQclear(result)
            PQfinish(connection)
        }
        store = try openStore(location)
        #expect(try store.openPayments().records.map(\.keys.first?.value) == ["B"])
        #expect(try store.openSettlement().records.map(\.key) == ["X"])
        #expect(try store.runsThatSettled(keys: ["A", "B"]) == ["A": 1])
        // and the next run closes rows the new way
        let next = try store.writeTransaction(commit: true, onWait: {}) {
            try store.save(
                RunToSave(
                    startedAt: "later", summary: "", exitStatus: 0, paymentsOpen: 1, settlementOpen: 1, matched: 0,
                    discrepancies: 0, outputs: [], closedPayments: [paymentRows[1]], closedSettlement: []))
        }
        #expect(next == 2)
        #expect(try store.openPayments().count == 0)
        #expect(try store.runsThatSettled(keys: ["A", "B"]) == ["A": 1, "B": 2])
    }

    /// A night that closes most of what it read empties the open table and puts the rest back;
    /// one that closes few deletes them; a list of rows left open that is not every other open
    /// row is not trusted (the rows are deleted one by one instead). Every way, the same rows
    /// stay open.
    @Test(arguments: TestStores.kinds)
    func closingManyOrFewLeavesTheSameRowsOpen(kind: String) throws {
        let store = try openStore(TestStores.make(kind))
        _ = try importPayments(store, sha: "p1", (0..<6).map { payment("P\($0)", 100 + Int64($0)) })
        let rows = try store.openPayments().rows
        func close(_ closed: [Int64], leaving open: [Int64]) throws {
            _ = try store.writeTransaction(commit: true, onWait: {}) {
                var run = RunToSave(
                    startedAt: "now", summary: "", exitStatus: 0, paymentsOpen: 0, settlementOpen: 0, matched: 0,
                    discrepancies: 0, outputs: [], closedPayments: closed, closedSettlement: [])
                run.stillOpenPayments = open
                return try store.save(run)
            }
        }
        func stillOpen() throws -> [String?] { try store.openPayments().records.map(\.keys.first?.value) }
        try close([rows[0], rows[1], rows[2]], leaving: [rows[3], rows[4], rows[5]])  // as many: deleted
        #expect(try stillOpen() == ["P3", "P4", "P5"])
        try close([rows[3], rows[4]], leaving: [])  // not every other open row: deleted, P5 stays
        #expect(try stillOpen() == ["P5"])
        _ = try importPayments(store, sha: "p2", [payment("Q", 7)])
        let now = try store.openPayments().rows
        try close([now[0]], leaving: [])  // P5 closed, Q not said to stay: deleted one by one
        #expect(try stillOpen() == ["Q"])
        _ = try importPayments(store, sha: "p3", [payment("R", 8), payment("S", 9)])
        let last = try store.openPayments().rows
        try close([last[0], last[1]], leaving: [last[2]])  // most closed: emptied, S put back
        #expect(try stillOpen() == ["S"])
        #expect(try store.runsThatSettled(keys: ["P0", "P5", "Q", "R", "S"]) == ["P0": 1, "P5": 3, "Q": 4, "R": 4])
    }

    @Test(arguments: TestStores.kinds)
    func aStoreFromANewerReconIsRefused(kind: String) throws {
        let location = TestStores.make(kind)
        _ = try openStore(location)
        if kind == "sqlite" {  // as a newer recon would leave it
            var db: OpaquePointer?
            #expect(sqlite3_open(location, &db) == SQLITE_OK)
            #expect(sqlite3_exec(db, "PRAGMA user_version = 99", nil, nil, nil) == SQLITE_OK)
            sqlite3_close(db)
        } else {
            let connection = PQconnectdb(location)
            PQclear(PQexec(connection, "INSERT INTO recon_schema (version) VALUES (99)"))
            PQfinish(connection)
        }
        do {
            _ = try openStore(location)
            Issue.record("a newer store was opened")
        } catch {
            #expect(error.code == .newerSchema)
            #expect(error.message.contains("version 99") && error.message.contains("newer recon"))
        }
    }

    @Test func storesThatCannotBeUsedAreClearErrors() throws {
        for location in ["/nonexistent-dir/recon.sqlite", "postgresql://recon:secret@127.0.0.1:1/recon"] {
            do {
                _ = try openStore(location)
                Issue.record("opened \(location)")
            } catch {
                #expect(error.code == .unavailable)
                #expect(error.message.contains(location.replacingOccurrences(of: ":secret", with: ":***")))
                #expect(!error.message.contains("secret"))
            }
        }
    }
}

extension ImportOutcome {
    var added: Int {
        if case .imported(_, let added, _, _) = self { return added }
        return -1
    }
}

/// No password in anything recon prints about a store: URLs (user:secret@, ?password=) and
/// libpq's keyword form, which names a server and is never taken as an SQLite file name.
@Suite struct StoreLocationTests {
    @Test func passwordsAreTakenOut() {
        #expect(
            StoreLocation.redacted("postgres://recon:s3cret@db.local:5432/recon")
                == "postgres://recon:***@db.local:5432/recon")
        #expect(
            StoreLocation.redacted("postgresql://db/recon?sslmode=require&password=s3cret&user=u")
                == "postgresql://db/recon?sslmode=require&password=***&user=u")
        #expect(
            StoreLocation.redacted("host=db dbname=recon password='a b c' user=u")
                == "host=db dbname=recon password=*** user=u")
        #expect(StoreLocation.redacted("state/recon.sqlite") == "state/recon.sqlite")
    }

    @Test func theKeywordFormIsAServer() throws {
        #expect(StoreLocation.isServer("host=127.0.0.1 port=1 dbname=x password=secret"))
        #expect(!StoreLocation.isServer("recon.sqlite") && !StoreLocation.isServer("out/a=b.sqlite"))
        do {
            _ = try openStore("host=127.0.0.1 port=1 dbname=x password=secret connect_timeout=2")
            Issue.record("connected to nothing")
        } catch {
            #expect(error.message.contains("PostgreSQL") && !error.message.contains("secret"), "\(error.message)")
        }
    }
}
