/// A small deterministic generator (SplitMix64) so property tests replay from a seed.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Splits `bytes` into chunks the way a test asks: one byte at a time, seeded random sizes,
/// or whole. Readers must give identical records and positions for every split.
public enum Chunking: CustomStringConvertible, Sendable, CaseIterable {
    case byteByByte, random(seed: UInt64), whole

    public static var allCases: [Chunking] { [.byteByByte, .random(seed: 1), .random(seed: 7), .whole] }

    public var description: String {
        switch self {
        case .byteByByte: "byte-by-byte"
        case .random(let seed): "random(\(seed))"
        case .whole: "whole"
        }
    }

    /// The chunk sizes to cut `count` bytes into.
    public func sizes(for count: Int) -> [Int] {
        switch self {
        case .byteByByte: return Array(repeating: 1, count: count)
        case .whole: return [count]
        case .random(let seed):
            var rng = SeededRandom(seed: seed)
            var sizes: [Int] = []
            var left = count
            while left > 0 {
                let size = min(left, Int.random(in: 1...17, using: &rng))
                sizes.append(size)
                left -= size
            }
            return sizes
        }
    }
}
