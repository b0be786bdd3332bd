import PaymentModels
import ReconMatching
import Testing

/// The settlement window: unsettled payments inside it are in transit, not missing.
@Suite struct SettlementWindowTests {
    static func created(_ key: String, _ iso: String?, line: Int64) throws -> Payment {
        var p = payment([PaymentKey(.reference, key)], 100, line: line)
        p.createdAt = try iso.map { try Timestamp(parsing: $0) }
        return p
    }

    @Test func unsettledPaymentsInsideTheWindowAreInTransitAndTheRestMissing() throws {
        let payments = [
            try Self.created("NEW", "2024-05-04T10:00:00Z", line: 1),  // due 2024-05-07: in transit
            try Self.created("OLD", "2024-05-01T10:00:00Z", line: 2),  // due 2024-05-04: missing
            try Self.created("UNDATED", nil, line: 3),  // no creation time: cannot be in transit
            try Self.created("PAID", "2024-05-04T11:00:00Z", line: 4),
        ]
        var engine = MatchingEngine(payments: payments)
        engine.window = SettlementWindow(asOf: try Timestamp(parsing: "2024-05-05T00:00:00Z"), days: 3)
        engine.add(line("PAID", 100))
        let result = engine.finish()
        #expect(findings(result) == ["missing_in_settlement:OLD", "missing_in_settlement:UNDATED"])
        #expect(result.inTransit.map(\.matchKey) == ["NEW"])
        #expect(result.inTransit.first?.dueBy.description == "2024-05-07T10:00:00.000Z")
        #expect(result.payments.inTransit == 1 && result.payments.balances && result.matched == 1)
    }

    @Test func withoutAWindowNothingIsInTransit() throws {
        let result = run([try Self.created("NEW", "2024-05-04T10:00:00Z", line: 1)], [])
        #expect(result.inTransit.isEmpty && findings(result) == ["missing_in_settlement:NEW"])
    }
}
