import ReconMemory
import Testing

@Suite struct ChunkedArrayTests {
    struct Pair: Equatable {
        var a: Int64
        var b: UInt8
    }

    @Test func valuesStayWhereTheyWereAcrossChunks() {
        var array = ChunkedArray<Pair>()
        let n = 3 * ChunkedArray<Pair>.chunkSize + 17
        for i in 0..<n { array.append(Pair(a: Int64(i) * 3, b: UInt8(truncatingIfNeeded: i))) }
        let address = array.address(of: 5)
        for i in 0..<1_000 { array.append(Pair(a: -Int64(i), b: 0)) }
        #expect(array.address(of: 5) == address)  // appending never moves an element
        #expect(array.count == n + 1_000)
        #expect(array[0] == Pair(a: 0, b: 0))
        #expect(array[n - 1] == Pair(a: Int64(n - 1) * 3, b: UInt8(truncatingIfNeeded: n - 1)))
        #expect(array[n + 999] == Pair(a: -999, b: 0))
    }

    @Test func aCopyIsAValue() {
        var array = ChunkedArray<Int64>()
        for i in 0..<70_000 { array.append(Int64(i)) }
        var copy = array
        copy.append(-1)
        array.append(-2)
        #expect(array.count == 70_001 && copy.count == 70_001)
        #expect(array[69_999] == 69_999 && copy[69_999] == 69_999)
        #expect(array[70_000] == -2 && copy[70_000] == -1)
    }
}

@Suite struct ByteArenaTests {
    @Test func runsAreKeptWholeAndNeverMove() {
        var arena = ByteArena()
        var handles: [(Int, [UInt8])] = []
        for i in 0..<5_000 {
            let bytes = (0..<(i % 300)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ i) }
            handles.append((bytes.withUnsafeBytes { arena.append($0) }, bytes))
        }
        let big = [UInt8](repeating: 0xAB, count: ByteArena.blockBytes + 10)  // larger than a block
        let bigHandle = big.withUnsafeBytes { arena.append($0) }
        let firstAddress = arena.address(handles[0].0)
        _ = [UInt8](repeating: 1, count: 100).withUnsafeBytes { arena.append($0) }
        #expect(arena.address(handles[0].0) == firstAddress)
        for (handle, bytes) in handles {
            #expect(Array(UnsafeRawBufferPointer(start: arena.address(handle), count: bytes.count)) == bytes)
        }
        #expect(UnsafeRawBufferPointer(start: arena.address(bigHandle), count: big.count).allSatisfy { $0 == 0xAB })
    }

    @Test func aCopyIsAValue() {
        var arena = ByteArena()
        let a = [UInt8]("first".utf8).withUnsafeBytes { arena.append($0) }
        var copy = arena
        let b = [UInt8]("second".utf8).withUnsafeBytes { copy.append($0) }
        #expect(arena.address(a) != copy.address(a))  // the copy wrote into memory of its own
        #expect(Array(UnsafeRawBufferPointer(start: copy.address(a), count: 5)) == Array("first".utf8))
        #expect(Array(UnsafeRawBufferPointer(start: copy.address(b), count: 6)) == Array("second".utf8))
    }
}

@Suite struct ArenaBytesTests {
    @Test(arguments: [0, 1, 127, 128, 300, 16_383, 16_384, 70_000])
    func textsOfEveryLengthComeBack(length: Int) {
        let text = String(repeating: "é", count: length / 2) + String(repeating: "x", count: length % 2)
        let size = ArenaBytes.textSize(text) + 8 + ArenaBytes.textSize("")
        var bytes = [UInt8](repeating: 0xEE, count: size + 1)  // one byte more, left alone
        bytes.withUnsafeMutableBytes { raw in
            var at = ArenaBytes.write(text, at: raw.baseAddress!)
            at = ArenaBytes.write(-42, at: at)
            at = ArenaBytes.write("", at: at)
            #expect(at == raw.baseAddress! + size)
        }
        #expect(bytes.last == 0xEE)
        bytes.removeLast()
        bytes.withUnsafeBytes { raw in
            let (value, next) = ArenaBytes.string(at: raw.baseAddress!)
            #expect(value == text)
            #expect(ArenaBytes.int(at: next) == -42)
            let (empty, end) = ArenaBytes.text(at: next + 8)
            #expect(empty.isEmpty && end == raw.baseAddress! + raw.count)
            let stored = ArenaBytes.text(at: raw.baseAddress!).0
            #expect(Array(text.utf8).withUnsafeBytes { ArenaBytes.same(stored, $0) })
            #expect(!Array((text + "!").utf8).withUnsafeBytes { ArenaBytes.same(stored, $0) })
        }
    }
}

@Suite struct ParallelTests {
    @Test(arguments: [0, 1, 49_999, 50_000, 123_457])
    func mapWritesEveryIndexOnceAndKeepsTheChunksInOrder(count: Int) {
        let (mapped, ranges) = Parallel.map(count: count) { range, write -> Range<Int> in
            for i in range { write(i, Int64(i) * 3) }
            return range
        }
        #expect(mapped == (0..<count).map { Int64($0) * 3 })
        // the chunks' ranges come back in order and cover every index once
        #expect(ranges.map(\.count).reduce(0, +) == count)
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        #expect(count < Parallel.itemsMin ? ranges.count == 1 : ranges.count > 1)
    }
}

@Suite struct PrefetchTests {
    @Test func aHintNeverReadsItsAddress() {
        let values: [Int32] = [1, 2, 3]
        let base = Prefetch.base(of: values)
        Prefetch.element(2, of: Int32.self, base: base)
        Prefetch.element(1 << 40, of: Int32.self, base: base)  // far outside: still only a hint
        Prefetch.read(nil)
        Prefetch.read(UnsafeRawPointer(bitPattern: 0x10))
        #expect(values == [1, 2, 3])
    }
}
