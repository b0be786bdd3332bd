/// The exact-sum search behind suggestions: which few of a list of amounts add up to a target
/// (the lines that make up a payment paid in parts, the payments one transfer paid). Bounded in
/// items, steps and results, so a store of a million open items answers at once; amounts of the
/// other sign, or larger than the target, never take part.
public enum SubsetSum {
    /// Sets of at most `maxItems` indices into `amounts` that sum exactly to `target`, fewest
    /// items first; the search stops after `maxSteps` steps or `maxResults` sets.
    public static func find(
        _ target: Int64, in amounts: [Int64], maxItems: Int, maxResults: Int = 10, maxSteps: Int = 200_000
    ) -> [[Int]] {
        guard target != 0, maxItems > 0 else { return [] }
        let sign: Int64 = target < 0 ? -1 : 1
        let goal = target.magnitude
        // the candidates, largest first: a branch stops when what is left cannot be reached
        let order = amounts.indices.filter { amounts[$0].signum() == sign && amounts[$0].magnitude <= goal }
            .sorted { amounts[$0].magnitude > amounts[$1].magnitude || (amounts[$0] == amounts[$1] && $0 < $1) }
        let values = order.map { amounts[$0].magnitude }
        var results: [[Int]] = []
        var steps = 0
        var chosen: [Int] = []
        func search(from start: Int, left: UInt64, size: Int) {
            if left == 0 {
                if chosen.count == size { results.append(chosen.map { order[$0] }.sorted()) }
                return
            }
            guard chosen.count < size else { return }
            var k = start
            while k < values.count && results.count < maxResults && steps < maxSteps {
                steps += 1
                let value = values[k]
                // values fall from here on: the ones left cannot reach what is left
                let (most, overflow) = value.multipliedReportingOverflow(by: UInt64(size - chosen.count))
                if !overflow && most < left { return }
                if value <= left {
                    chosen.append(k)
                    search(from: k + 1, left: left - value, size: size)
                    chosen.removeLast()
                }
                k += 1
            }
        }
        for size in 1...maxItems where results.count < maxResults && steps < maxSteps {
            search(from: 0, left: goal, size: size)
        }
        return results
    }
}
