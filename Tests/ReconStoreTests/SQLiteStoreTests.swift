import CSQLite
import Dispatch
import Foundation
import PaymentModels
import ReconStore
import ReconTestSupport
import Testing

@Suite struct SQLiteStoreTests {
    static func payment(_ key: String, _ minor: Int64, file: String = "p.jsonl", line: Int64 = 1) -> Payment {
        Payment(
            system: .formance, keys: [PaymentKey(.reference, key)],
            amount: Money(minorUnits: minor, currency: Currency(code: "EUR")!), status: .succeeded,
            rawStatus: "SUCCEEDED", createdAt: nil,
            provenance: Provenance(file: file, position: SourcePosition(byte: 0, line: line, record: line)))
    }

    static func record(_ key: String, _ minor: Int64, id: String? = nil) -> SettlementRecord {
        SettlementRecord(
            key: key, settlementId: id, provider: "test",
            gross: Money(minorUnits: minor, currency: Currency(code: "EUR")!),
            status: .settled, rawStatus: "settled", settledAt: nil,
            provenance: Provenance(file: "s.csv", position: SourcePosition(byte: 0, line: 2, record: 1)))
    }

    static func importPayments(_ store: SQLiteStore, sha: String, _ payments: [Payment]) throws -> ImportOutcome {
        try store.importFile(side: .payments, path: "p-\(sha).jsonl", sha256: sha, importedAt: "now") { sink in
            for p in payments { try sink.add(p) }
        }
    }

    @Test func theSameContentTwiceChangesNothing() throws {
        let store = try SQLiteStore(path: makeTemporaryDirectory() + "/s.sqlite")
        let first = try Self.importPayments(store, sha: "aa", [Self.payment("A", 100), Self.payment("B", 200)])
        #expect(first == .imported(records: 2, added: 2, known: 0, rejected: 0))
        let again = try Self.importPayments(store, sha: "aa", [Self.payment("A", 100), Self.payment("B", 200)])
        #expect(again == .alreadyImported(path: "p-aa.jsonl", at: "now"))
        #expect(try store.counts().payments == 2 && store.counts().imports == 1)
    }

    @Test func overlappingFilesAddOnlyWhatIsNewAndIdenticalRowsInOneFileStayTwo() throws {
        let store = try SQLiteStore(path: makeTemporaryDirectory() + "/s.sqlite")
        _ = try Self.importPayments(store, sha: "aa", [Self.payment("A", 100), Self.payment("B", 200)])
        let overlap = try Self.importPayments(store, sha: "bb", [Self.payment("B", 200), Self.payment("C", 300)])
        #expect(overlap == .imported(records: 2, added: 1, known: 1, rejected: 0))
        let outcome = try store.importFile(side: .settlement, path: "s.csv", sha256: "cc", importedAt: "now") {
            try $0.add(Self.record("R", 500))
            try $0.add(Self.record("R", 500))  // the same row twice in one file: two real settlements
            try $0.add(Self.record("X", 100, id: "st_1"))
            try $0.add(Self.record("X", -100, id: "st_1"))  // its reversal under the same id
            let source = Provenance(file: "s.csv", position: SourcePosition(byte: 0, line: 6, record: 5))
            try $0.reject(Reject(source: source, field: "gross", reason: "'1,2O' is not a decimal amount", raw: ""))
        }
        #expect(outcome == .imported(records: 5, added: 4, known: 0, rejected: 1))
        let later = try store.importFile(side: .settlement, path: "s2.csv", sha256: "dd", importedAt: "now") {
            try $0.add(Self.record("R", 500))
            try $0.add(Self.record("X", 100, id: "st_1"))
        }
        #expect(later == .imported(records: 2, added: 0, known: 2, rejected: 0))
        #expect(try store.counts() == (imports: 4, payments: 3, settlement: 4))
    }

    @Test func aFailedImportLeavesTheStoreAsItWas() throws {
        struct Killed: Error {}
        let store = try SQLiteStore(path: makeTemporaryDirectory() + "/s.sqlite")
        #expect(throws: Killed.self) {
            try store.importFile(side: .payments, path: "p.jsonl", sha256: "aa", importedAt: "now") {
                try $0.add(Self.payment("A", 100))
                throw Killed()
            }
        }
        #expect(try store.counts() == (imports: 0, payments: 0, settlement: 0))
        // and the same file imports cleanly afterwards
        #expect(try Self.importPayments(store, sha: "aa", [Self.payment("A", 100)]).added == 1)
    }

    @Test func aStoreFromANewerReconIsRefused() throws {
        let path = makeTemporaryDirectory() + "/s.sqlite"
        _ = try SQLiteStore(path: path)
        var db: OpaquePointer?  // as a newer recon would leave it
        #expect(
            sqlite3_open(path, &db) == SQLITE_OK && sqlite3_exec(db, "PRAGMA user_version = 99", nil, nil, nil) == 0)
        sqlite3_close(db)
        do {
            _ = try SQLiteStore(path: path)
            Issue.record("a newer store was opened")
        } catch {
            #expect(error.code == .newerSchema)
            #expect(error.message.contains("version 99") && error.message.contains("newer recon"))
        }
    }

    @Test func aStorePathThatCannotBeWrittenIsAClearError() throws {
        do {
            _ = try SQLiteStore(path: "/nonexistent-dir/recon.sqlite")
            Issue.record("opened a store in a missing directory")
        } catch {
            #expect(error.code == .unavailable)
            #expect(error.message.contains("/nonexistent-dir/recon.sqlite"))
        }
    }
}

extension ImportOutcome {
    var added: Int {
        if case .imported(_, let added, _, _) = self { return added }
        return -1
    }
}

/// Two writers on one store: the second waits for the first and is told so.
@Suite struct SQLiteStoreConcurrencyTests {
    final class Flag: @unchecked Sendable {
        var waited = false
        var imported = false
    }

    @Test func aSecondWriterWaitsForTheFirstAndSaysSo() throws {
        let path = makeTemporaryDirectory() + "/s.sqlite"
        let first = try SQLiteStore(path: path)
        let waiting = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let flag = Flag()
        try first.writeTransaction {
            Thread.detachNewThread {
                defer { done.signal() }
                guard let second = try? SQLiteStore(path: path) else { return }
                let outcome = try? second.writeTransaction(onWait: {
                    flag.waited = true
                    waiting.signal()
                }) {
                    try second.importInTransaction(side: .payments, path: "p", sha256: "bb", importedAt: "now") {
                        try $0.add(SQLiteStoreTests.payment("B", 1))
                    }
                }
                flag.imported = outcome != nil
            }
            // the first writer holds the store until the second has started waiting
            #expect(waiting.wait(timeout: .now() + 30) == .success)
            _ = try first.importInTransaction(side: .payments, path: "p", sha256: "aa", importedAt: "now") {
                try $0.add(SQLiteStoreTests.payment("A", 1))
            }
        }
        #expect(done.wait(timeout: .now() + 60) == .success)
        #expect(flag.waited && flag.imported)
        #expect(try first.counts().payments == 2)
    }
}
