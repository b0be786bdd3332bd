import PaymentModels
import Testing

@testable import ReconKit

/// The hand-over between an import's reading thread and the thread that writes the store.
@Suite struct RecordPipeTests {
    struct ReadFailed: Error {}
    struct WriteFailed: Error {}

    static func reject(_ n: Int) -> Reject {
        Reject(
            source: Provenance(file: "f", position: SourcePosition(byte: 0, line: Int64(n), record: 0)), field: "x",
            reason: "r", raw: "\(n)")
    }

    @Test func everythingArrivesInOrder() throws {
        let count = RecordPipe.batchSize * RecordPipe.depth * 3 + 17  // more than the pipe holds at once
        var seen: [Int64] = []
        try RecordPipe.run(
            read: { emit in for n in 0..<count { try emit.reject(Self.reject(n)) } },
            consume: { batch in seen += batch.rejects.map(\.source.position.line) })
        #expect(seen == (0..<count).map(Int64.init))
    }

    @Test func aReadErrorComesAfterWhatWasReadBeforeIt() {
        var seen = 0
        #expect(throws: ReadFailed.self) {
            try RecordPipe.run(
                read: { emit in
                    for n in 0..<10_000 { try emit.reject(Self.reject(n)) }
                    throw ReadFailed()
                },
                consume: { batch in seen += batch.count })
        }
        #expect(seen == 8192)  // the full batches; the partial one is lost with the failed read
    }

    @Test func aWriteErrorStopsTheReader() {
        let total = RecordPipe.batchSize * RecordPipe.depth * 50
        let progress = Progress()
        #expect(throws: WriteFailed.self) {
            try RecordPipe.run(
                read: { emit in
                    for n in 0..<total {
                        try emit.reject(Self.reject(n))
                        progress.read = n + 1
                    }
                },
                consume: { _ in throw WriteFailed() })
        }
        // the reader stopped at the pipe's bound, long before the end of its input
        #expect(progress.read < RecordPipe.batchSize * (RecordPipe.depth + 3))
    }

    final class Progress: @unchecked Sendable {
        var read = 0  // written by the reading thread, read after it has stopped
    }
}
