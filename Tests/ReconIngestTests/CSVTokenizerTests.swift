import ReconTestSupport
import Testing

@testable import ReconIngest

/// The tokenizer reads a plain record (one line, in the input, quotes without `""`) 64 bytes
/// at a time and anything else byte by byte; both ways must give the same records, fields,
/// positions and line numbers, however the input is split and however small the buffers.
@Suite struct CSVTokenizerTests {
    struct Record: Equatable {
        var fields: [[UInt8]]
        var byte: Int64
        var line: Int64
        var number: Int64
    }

    /// Tokenizes `input` fed in pieces of `piece` bytes, with buffers that start small and grow.
    static func records(_ input: [UInt8], piece: Int, plain: Bool) -> [Record] {
        var tokenizer = CSVTokenizer()
        tokenizer.plainRecords = plain
        var output = [UInt8](repeating: 0, count: 16)
        var ends = [Int](repeating: 0, count: 2)
        var outputCount = 0
        var endsCount = 0
        var result: [Record] = []
        var offset = 0
        func take() {
            let fields = (0..<endsCount).map { k in Array(output[(k == 0 ? 0 : ends[k - 1])..<ends[k]]) }
            let start = tokenizer.recordStart
            result.append(Record(fields: fields, byte: start.byte, line: start.line, number: start.record))
            outputCount = 0
            endsCount = 0
        }
        while offset < input.count {
            let slice = Array(input[offset..<min(input.count, offset + piece)])
            var used = 0
            while used < slice.count {
                let (consumed, outcome) = slice[used...].withUnsafeBytes { bytes in
                    output.withUnsafeMutableBytes { out in
                        ends.withUnsafeMutableBufferPointer { e in
                            tokenizer.tokenize(
                                bytes, output: out, outputCount: &outputCount, ends: e, endsCount: &endsCount)
                        }
                    }
                }
                used += consumed
                switch outcome {
                case .record: take()
                case .outputFull: output += [UInt8](repeating: 0, count: output.count)
                case .endsFull: ends += [Int](repeating: 0, count: ends.count)
                case .inputEmpty: break
                }
            }
            offset += slice.count
        }
        while true {
            let outcome = output.withUnsafeMutableBytes { out in
                ends.withUnsafeMutableBufferPointer { e in
                    tokenizer.finish(output: out, outputCount: &outputCount, ends: e, endsCount: &endsCount)
                }
            }
            if outcome == .endsFull {
                ends += [Int](repeating: 0, count: ends.count)
                continue
            }
            if outcome == .record { take() }
            break
        }
        return result
    }

    /// Rows of plain, quoted, empty and odd fields, long enough to reach the 64-byte path.
    static func randomInput(_ generator: inout some RandomNumberGenerator) -> [UInt8] {
        let pieces: [String] = [
            "abc", "txn_0000000000000001", "", "\"Order 1, web\"", "\"say \"\"hi\"\"\"", "\"two\nlines\"", "ab\"c",
            "\"a\"b", "1698.81", "\"\"", "2024-05-02 10:01:01", "\"x\" ", "ü€", "\"cr\r\nlf\"",
        ]
        let ends = ["\n", "\r\n", "\r", "\n\n"]
        var text = ""
        for _ in 0..<40 {
            let count = Int.random(in: 1...30, using: &generator)
            text += (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined(separator: ",")
            text += ends.randomElement(using: &generator)!
        }
        if Bool.random(using: &generator) { text.removeLast() }  // sometimes no final line end
        return Array(text.utf8)
    }

    @Test func plainRecordsReadAsByteByByte() {
        var generator = SeededRandom(seed: 20_261_122)
        var plainSeen = 0
        for round in 0..<300 {
            let input = Self.randomInput(&generator)
            let piece = [7, 64, 100, 1000, 1 << 20][round % 5]
            let fast = Self.records(input, piece: piece, plain: true)
            let slow = Self.records(input, piece: piece, plain: false)
            // the first record that differs, not two whole lists
            let differs =
                zip(fast, slow).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? (fast.count == slow.count ? nil : min(fast.count, slow.count))
            #expect(differs == nil, "round \(round), pieces of \(piece): record \(differs ?? 0) differs")
            if differs == nil { plainSeen += fast.count }
        }
        #expect(plainSeen > 5000)
    }

    /// `plainRecord` over `text` from its start: the line end's offset (nil: not a plain
    /// record) and the fields written.
    static func plain(_ text: String) -> (end: Int?, fields: [String]) {
        let input = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: 256)
        var ends = [Int](repeating: 0, count: 16)
        var outputCount = 0
        var endsCount = 0
        let end = input.withUnsafeBytes { bytes in
            output.withUnsafeMutableBytes { out in
                ends.withUnsafeMutableBufferPointer { e in
                    CSVTokenizer.plainRecord(
                        bytes, from: 0, delimiter: UInt8(ascii: ","), output: out, outputCount: &outputCount,
                        ends: e, endsCount: &endsCount)
                }
            }
        }
        let fields = (0..<endsCount).map { k in
            String(decoding: output[(k == 0 ? 0 : ends[k - 1])..<ends[k]], as: UTF8.self)
        }
        return (end, fields)
    }

    @Test func aTypicalReportLineIsReadWhole() {
        let record =
            "txn_00000000000000000001,2024-05-02 10:01:01,usd,1698.81,49.56,1649.25,charge,\"Order 1, web\","
            + "ch_000000000000000000000001,,ORD-000000000001\r\n"
        let (end, fields) = Self.plain(record + String(repeating: "next,", count: 20))
        #expect(end == record.utf8.count - 2)  // at the CR
        #expect(fields.count == 11 && fields[7] == "Order 1, web" && fields[9] == "")
        #expect(fields.last == "ORD-000000000001")
    }

    @Test(arguments: ["a,\"b\"\"c\",d\n", "a,\"two\nlines\",d\n", "a,b\"c,d\n", "a,\"b\"c,d\n", "a,b,c"])
    func anythingElseIsLeftToTheStateMachine(_ start: String) {
        let (end, fields) = Self.plain(start + String(repeating: "x", count: 80))
        #expect(end == nil && fields.isEmpty)
    }
}
