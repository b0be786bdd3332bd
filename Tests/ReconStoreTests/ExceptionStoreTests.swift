import PaymentModels
import ReconStore
import ReconTestSupport
import Testing

/// The exceptions table and the audit log on each store, below the commands: a finding seen
/// again keeps its row; a resolved one stays resolved while it is the same, and is opened again
/// for review when its amounts change; the audit chain finds a changed, a reordered and a
/// missing entry.
@Suite struct ExceptionStoreTests {
    static func finding(actual: Int64) -> ExceptionFinding {
        let eur = Currency(code: "EUR")!
        return ExceptionFinding(
            kind: "amount_mismatch", matchKey: "K-1", provider: "formance", paymentId: "p1",
            expected: Money(minorUnits: 1000, currency: eur), actual: Money(minorUnits: actual, currency: eur),
            detail: "amounts differ")
    }

    @Test(arguments: TestStores.kinds)
    func aResolvedExceptionIsOpenedAgainOnlyWhenItChanges(kind: String) throws {
        let store = try openStore(TestStores.make(kind))
        let id = Self.finding(actual: 990).id
        #expect(id == Self.finding(actual: 900).id, "the amounts are not part of the id")
        try store.writeTransaction(commit: true, onWait: {}) {
            try store.recordExceptions([Self.finding(actual: 990)], run: 1, day: "2024-05-01", at: "t1")
            try store.decide(.resolve(.acceptedDifference, reason: "rounding"), on: id, by: "ann", at: "t2")
            try store.recordExceptions([Self.finding(actual: 990)], run: 2, day: "2024-05-02", at: "t3")
        }
        var row = try #require(try store.exception(id: id))
        #expect(row.state == .resolved && row.lastRun == 2 && row.firstSeen == "2024-05-01")
        #expect(row.age(on: "2024-05-04") == 3)
        try store.writeTransaction(commit: true, onWait: {}) {
            try store.recordExceptions([Self.finding(actual: 900)], run: 3, day: "2024-05-03", at: "t4")
        }
        row = try #require(try store.exception(id: id))
        #expect(row.state == .open && row.finding.actualMinor == 900 && row.resolution == "accepted-difference")
        let log = try store.auditLog()
        #expect(log.map(\.action) == ["resolve accepted-difference", "reopen"])
        #expect(log.last?.reason.contains("990 are now 1000/900") == true, "\(log.last?.reason ?? "")")
        #expect(Audit.firstBroken(log) == nil)
        // changed, reordered, missing
        var changed = log
        changed[0].actor = "bob"
        #expect(Audit.firstBroken(changed)?.entry == 1)
        #expect(Audit.firstBroken([log[1], log[0]])?.entry == 2)
        #expect(Audit.firstBroken([log[1]])?.entry == 2)
    }
}
