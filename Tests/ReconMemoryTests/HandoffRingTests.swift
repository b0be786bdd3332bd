import Synchronization
import Testing

import ReconMemory

/// The ring the read-ahead, CSV, XML and bank readers share, on its own: slots come to the consumer in
/// the order filled, each filled once per turn; the producer stops after the slot it calls the
/// last; a consumer that stops early cancels it without a hang, and no slot is filled while the
/// consumer holds it.
@Suite struct HandoffRingTests {
    final class Slot: @unchecked Sendable {
        var value = -1
        var fills = 0
        /// Set by the consumer while it holds the slot; the producer must never see it set.
        var held = false
    }

    /// Fills slots with 0, 1, 2 ... up to `last`, checking that none is held by the consumer.
    final class Counter: @unchecked Sendable {
        let last: Int
        let next = Atomic<Int>(0)
        let overlaps = Atomic<Int>(0)

        init(last: Int) { self.last = last }

        func fill(_ slot: Slot) -> Bool {
            if slot.held { overlaps.add(1, ordering: .relaxed) }
            let n = next.add(1, ordering: .relaxed).oldValue
            slot.value = n
            slot.fills += 1
            return n < last
        }
    }

    @Test(arguments: [2, 3, 8])
    func slotsComeInTheOrderFilledAndTheLastEndsIt(slots: Int) {
        let ring = HandoffRing(slots: (0..<slots).map { _ in Slot() })
        let counter = Counter(last: 999)
        ring.start("test.ring") { counter.fill($0) }
        var seen: [Int] = []
        while true {
            let (slot, fresh) = ring.held()
            #expect(fresh)
            slot.held = true
            seen.append(slot.value)
            // a held slot stays held until given back
            #expect(ring.held().slot === slot && !ring.held().fresh)
            slot.held = false
            if slot.value == 999 { break }
            ring.giveBack()
        }
        #expect(seen == Array(0...999))
        #expect(counter.overlaps.load(ordering: .relaxed) == 0)
        #expect(ring.slots.reduce(0) { $0 + $1.fills } == 1000)
        ring.cancel()  // after the last slot: returns at once
    }

    @Test func aConsumerThatStopsEarlyCancelsTheProducer() {
        for taken in [0, 1, 5] {
            let ring = HandoffRing(slots: [Slot(), Slot(), Slot()])
            let counter = Counter(last: .max)  // a producer that would never stop by itself
            ring.start("test.ring") { counter.fill($0) }
            for _ in 0..<taken {
                _ = ring.held()
                ring.giveBack()
            }
            ring.cancel()
            let filled = counter.next.load(ordering: .relaxed)
            #expect(filled <= taken + 3, "the producer stopped within a turn of the ring")
        }
    }

    /// A producer that runs to its own end (a parser pushing what it reads) hands slots over in
    /// order and ends with the one it calls the last; a consumer that stops early makes its next
    /// hand-over say stop.
    @Test func aPushingProducerHandsOverInOrderAndIsStoppedByCancel() {
        let ring = HandoffRing(slots: (0..<3).map { _ in Slot() })
        ring.start("test.push") { first, handOver in
            var slot = first
            for n in 0...500 {
                slot.value = n
                slot.fills += 1
                guard let next = handOver(n == 500) else { return }
                slot = next
            }
        }
        var seen: [Int] = []
        while true {
            let (slot, fresh) = ring.held()
            #expect(fresh)
            seen.append(slot.value)
            if slot.value == 500 { break }
            ring.giveBack()
        }
        #expect(seen == Array(0...500))
        ring.cancel()

        let stopped = Atomic<Int>(-1)
        let early = HandoffRing(slots: (0..<3).map { _ in Slot() })
        early.start("test.push-cancel") { first, handOver in
            var slot = first
            for n in 0... {  // would never end by itself
                slot.value = n
                guard let next = handOver(false) else {
                    stopped.store(n, ordering: .relaxed)
                    return
                }
                slot = next
            }
        }
        for _ in 0..<4 {
            _ = early.held()
            early.giveBack()
        }
        early.cancel()
        // the consumer took slots 0-3, so the producer handed them over; the 3 free slots, the 4
        // given back and cancel's wake-up let it get at most to slot 7 before a hand-over says stop
        #expect((3...7).contains(stopped.load(ordering: .relaxed)), "stopped within a turn of the ring")
    }

    @Test func aRingNeverStartedCancelsAtOnce() {
        HandoffRing(slots: [Slot(), Slot()]).cancel()
    }
}
