import ReconIngest
import ReconTestSupport
import Testing

@Suite struct JSONReaderTests {
    /// (text of the value, line, byte, record number) or the error message.
    enum Item: Equatable, CustomStringConvertible {
        case record(String, line: Int64, byte: Int64, number: Int64)
        case malformed(line: Int64, number: Int64)
        var description: String {
            switch self {
            case .record(let t, let l, let b, let n): "#\(n) \(t)@\(l):\(b)"
            case .malformed(let l, let n): "#\(n) malformed@\(l)"
            }
        }
    }

    static func read(_ input: String, _ chunking: Chunking) throws -> [Item] {
        let reader = try JSONReader(source: ChunkedByteSource(bytes(input), chunking))
        var items: [Item] = []
        while let item = try reader.next() {
            switch item {
            case .record(let r):
                let id = r.value["id"]?.scalarText ?? "\(r.value.kind)"
                items.append(.record(id, line: r.position.line, byte: r.position.byte, number: r.position.record))
            case .malformed(let e):
                items.append(.malformed(line: e.position.line, number: e.position.record))
            }
        }
        return items
    }

    static let table: [(String, [Item])] = [
        // JSON Lines, CRLF, blank lines, a bad line in the middle
        ("{\"id\":\"a\"}\n{\"id\":\"b\"}\r\n\n{\"id\":3}\n", [
            .record("a", line: 1, byte: 0, number: 1), .record("b", line: 2, byte: 11, number: 2),
            .record("3", line: 4, byte: 24, number: 3),
        ]),
        ("{\"id\":\"a\"}\nnot json\n{\"id\":\"c\"}", [
            .record("a", line: 1, byte: 0, number: 1), .malformed(line: 2, number: 2),
            .record("c", line: 3, byte: 20, number: 3),
        ]),
        ("{\"id\":1} trailing\n{\"id\":2}\n", [.malformed(line: 1, number: 1), .record("2", line: 2, byte: 18, number: 2)]),
        // a top-level array, pretty-printed, streamed element by element
        ("[\n  {\"id\": \"x\"},\n  {\"id\": \"y\", \"s\": \"]}\"}\n]\n", [
            .record("x", line: 2, byte: 4, number: 1), .record("y", line: 3, byte: 19, number: 2),
        ]),
        ("[{\"id\":1},{\"id\":tru},{\"id\":3}]", [
            .record("1", line: 1, byte: 1, number: 1), .malformed(line: 1, number: 2),
            .record("3", line: 1, byte: 21, number: 3),
        ]),
        // envelopes: {"data":[...]} and Formance's cursor.data, pretty-printed
        ("{\n \"data\": [\n  {\"id\": \"e1\"},\n  {\"id\": \"e2\"}\n ],\n \"included\": []\n}\n", [
            .record("e1", line: 3, byte: 15, number: 1), .record("e2", line: 4, byte: 31, number: 2),
        ]),
        ("{\"cursor\":{\"hasMore\":false,\"data\":[{\"id\":\"f1\"}]}}\n", [.record("f1", line: 1, byte: 35, number: 1)]),
        // a single object wrapping one resource stays one record
        ("{\n  \"data\": {\"id\": \"solo\"}\n}", [.record("object", line: 1, byte: 0, number: 1)]),
        ("\u{FEFF}{\"id\":\"bom\"}\n", [.record("bom", line: 1, byte: 3, number: 1)]),
        ("", []),
        ("  \n ", []),
    ]

    @Test(arguments: Chunking.allCases)
    func sameRecordsAndPositionsForEverySplit(chunking: Chunking) throws {
        for (input, expected) in Self.table {
            #expect(try Self.read(input, chunking) == expected, "input \(input.debugDescription)")
        }
    }

    @Test func stringsDecodeEscapesAndSurrogates() throws {
        let text = #"{"s":"a\"b\\c\/d\n\u00e9\u4e2d\ud83d\ude00","k\u0065y":1}"#
        let reader = try JSONReader(source: MemoryByteSource(bytes(text)))
        guard case .record(let r) = try reader.next() else { Issue.record("no record"); return }
        #expect(r.value["s"]?.string == "a\"b\\c/d\né中😀")
        #expect(r.value["key"]?.scalarText == "1")  // escaped member names still match
    }

    @Test(arguments: [
        #"{"s":"\ud83d"}"#, #"{"s":"\ude00"}"#, #"{"s":"\x"}"#, "{\"s\":\"tab\there\"}", #"{"n":01}"#,
        #"{"n":1.}"#, #"{"n":-}"#, #"{"a":1,}"#, #"{"a":[1 2]}"#, #"{"a" 1}"#, #"{"s":"\u12"}"#, "{\"s\":\"\u{FF}\"}",
    ])
    func rejectsInvalidJSON(line: String) throws {
        var input = Array(line.utf8)
        if line == "{\"s\":\"\u{FF}\"}" { input = [0x7B, 0x22, 0x73, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D] }
        let reader = try JSONReader(source: MemoryByteSource(input + [0x0A]))
        let item = try reader.next()
        guard case .malformed = item else { Issue.record("accepted \(line)"); return }
    }

    /// The word-at-a-time string scan must flag exactly what the byte loop flags, at every
    /// position of a word.
    @Test func everyByteAtEveryWordPositionIsJudgedLikeTheByteLoop() throws {
        for position in 0..<8 {
            for byte in 0...255 {
                var content = Array(repeating: UInt8(ascii: "a"), count: 16)
                content[position + 4] = UInt8(byte)
                let line = Array(#"{"s":""#.utf8) + content + Array(#""}"#.utf8) + [0x0A]
                // a first line fixes the framing to JSON Lines, so each test line is one record
                let reader = try JSONReader(source: MemoryByteSource(Array("{\"a\":1}\n".utf8) + line))
                _ = try reader.next()
                let accepted: Bool
                switch try reader.next() {
                case .record: accepted = true
                default: accepted = false
                }
                let plain = byte >= 0x20 && byte < 0x80 && byte != 0x22 && byte != 0x5C
                #expect(accepted == plain, "byte 0x\(String(byte, radix: 16)) at \(position)")
            }
        }
    }

    @Test func unclosedArrayIsAnErrorWithItsPosition() throws {
        let reader = try JSONReader(source: MemoryByteSource(bytes("[{\"id\":1},\n{\"id\":2")))
        _ = try reader.next()
        #expect(throws: IngestError.self) { _ = try reader.next() }
    }
}
