import PaymentModels
import ReconMatching
import Testing

/// A pair a person unmatched is never made again, by either path that attaches lines (many at
/// once, or one by one): its line is unexpected and its payment missing, as if the key named
/// nothing; the other pairs match as before; a key two payments share goes to the other one.
@Suite struct ForbiddenPairTests {
    @Test(arguments: [true, false])
    func anUndoneMatchIsNotMadeAgain(manyAtOnce: Bool) {
        let payments = [
            payment([PaymentKey(.reference, "A")], 1000), payment([PaymentKey(.reference, "B")], 500),
            payment([PaymentKey(.reference, "S")], 700), payment([PaymentKey(.reference, "S")], 700),
        ]
        let lines = [line("A", 1000, at: 1), line("B", 500, at: 2), line("S", 700, at: 3)]
        var engine = MatchingEngine(payments: payments)
        engine.forbidden = [MatchingEngine.pair(payment: 0, line: 0), MatchingEngine.pair(payment: 2, line: 2)]
        if manyAtOnce { engine.add(contentsOf: lines) } else { for l in lines { engine.add(l) } }
        let result = engine.finish()
        #expect(result.matched == 2, "B, and S with the other payment of its key")
        #expect(
            findings(result).sorted() == [
                "missing_in_settlement:A", "missing_in_settlement:S", "unexpected_in_settlement:A",
            ])
        #expect(result.checkConservation().isEmpty)
    }
}
