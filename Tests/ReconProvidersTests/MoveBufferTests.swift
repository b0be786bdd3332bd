import Testing

@testable import ReconProviders

/// The buffer bank entries cross threads in: values come out in the order they went in, each
/// once, without a copy; values never taken are freed when the buffer is emptied or freed.
@Suite struct MoveBufferTests {
    /// Counts how many of its kind are alive, to show nothing is copied, leaked or freed twice.
    final class Tracked {
        nonisolated(unsafe) static var alive = 0
        let n: Int
        init(_ n: Int) {
            self.n = n
            Tracked.alive += 1
        }
        deinit { Tracked.alive -= 1 }
    }

    @Test func valuesComeOutInOrderOnceAndUntakenOnesAreFreed() {
        let start = Tracked.alive
        do {
            let buffer = MoveBuffer<(Tracked, String)>(capacity: 3)
            #expect(!buffer.isFull)
            for n in 0..<3 { buffer.append((Tracked(n), "entry \(n) with a text longer than fifteen bytes")) }
            #expect(buffer.isFull && buffer.count == 3)
            #expect(Tracked.alive == start + 3)
            let first = buffer.take()
            #expect(first?.0.n == 0 && first?.1 == "entry 0 with a text longer than fifteen bytes")
            #expect(buffer.take()?.0.n == 1)
            #expect(Tracked.alive == start + 2)  // the second, taken and dropped, is gone
            buffer.removeAll()  // the third, never taken
            #expect(Tracked.alive == start + 1 && buffer.count == 0 && buffer.take() == nil)
            buffer.append((Tracked(9), ""))  // reused after emptying
            #expect(buffer.take()?.0.n == 9 && buffer.take() == nil)
            buffer.append((Tracked(10), ""))  // freed with the buffer
        }
        #expect(Tracked.alive == start)
    }
}
