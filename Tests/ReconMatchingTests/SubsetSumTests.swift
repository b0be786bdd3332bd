import ReconMatching
import ReconTestSupport
import Testing

/// The bounded exact-sum search against every subset, on seeded random amounts: the same sets,
/// fewest items first; amounts of the other sign never used; huge amounts do not overflow.
@Suite struct SubsetSumTests {
    @Test(arguments: 1...40)
    func findsExactlyTheSubsetsThatSumToTheTarget(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let count = Int(random.next() % 11) + 2
        let amounts = (0..<count).map { _ in Int64(random.next() % 40) - 8 }  // a few negative, some zero
        let target = Int64(random.next() % 60) + 1
        var expected: [[Int]] = []
        for mask in 1..<(1 << count) where mask.nonzeroBitCount <= 3 {
            let picked = (0..<count).filter { mask & (1 << $0) != 0 }
            // the search takes only amounts of the target's sign (zero adds nothing: left out)
            guard picked.allSatisfy({ amounts[$0] > 0 }) else { continue }
            if picked.reduce(0, { $0 + amounts[$1] }) == target { expected.append(picked) }
        }
        let found = SubsetSum.find(target, in: amounts, maxItems: 3, maxResults: 10_000)
        #expect(Set(found) == Set(expected), "amounts \(amounts), target \(target)")
        #expect(found.map(\.count) == found.map(\.count).sorted(), "fewest items first")
    }

    @Test func negativeTargetsAndHugeAmounts() {
        #expect(Set(SubsetSum.find(-30, in: [-10, -20, 30, -5, -25], maxItems: 2)) == [[0, 1], [3, 4]])
        let huge = Int64.max / 2
        #expect(SubsetSum.find(Int64.max - 1, in: [huge, huge, 1], maxItems: 3) == [[0, 1]])
        #expect(SubsetSum.find(0, in: [0, 1], maxItems: 2).isEmpty)
        #expect(SubsetSum.find(5, in: Array(repeating: 1, count: 200), maxItems: 5, maxSteps: 1_000).count <= 10)
    }
}
