import ReconIngest
import ReconTestSupport
import Testing

@Suite struct CSVReaderTests {
    struct Row: Equatable, CustomStringConvertible {
        var fields: [String]
        var line: Int64
        var byte: Int64
        var description: String { "\(fields)@\(line):\(byte)" }
    }

    static func read(_ input: [UInt8], _ chunking: Chunking, delimiter: UInt8? = nil) throws -> [Row] {
        let reader = try CSVReader(source: ChunkedByteSource(input, chunking), delimiter: delimiter)
        var rows: [Row] = []
        while let row = try reader.next() {
            rows.append(Row(fields: (0..<row.count).map(row.string), line: row.position.line, byte: row.position.byte))
        }
        return rows
    }

    static let table: [(String, [Row])] = [
        ("a,b\n1,2\n", [Row(fields: ["a", "b"], line: 1, byte: 0), Row(fields: ["1", "2"], line: 2, byte: 4)]),
        ("a,b\r\n1,2\r\n", [Row(fields: ["a", "b"], line: 1, byte: 0), Row(fields: ["1", "2"], line: 2, byte: 5)]),
        ("a,b\r1,2", [Row(fields: ["a", "b"], line: 1, byte: 0), Row(fields: ["1", "2"], line: 2, byte: 4)]),
        ("\u{FEFF}x,y\n", [Row(fields: ["x", "y"], line: 1, byte: 3)]),
        ("\"a,b\",\"say \"\"hi\"\"\"\n", [Row(fields: ["a,b", "say \"hi\""], line: 1, byte: 0)]),
        ("\"line\nbreak\",z\nnext,1\n", [
            Row(fields: ["line\nbreak", "z"], line: 1, byte: 0), Row(fields: ["next", "1"], line: 3, byte: 15),
        ]),
        ("\"cr\r\nlf\",z\r\nn,1", [Row(fields: ["cr\r\nlf", "z"], line: 1, byte: 0), Row(fields: ["n", "1"], line: 3, byte: 12)]),
        ("a,,c\n,\n", [Row(fields: ["a", "", "c"], line: 1, byte: 0), Row(fields: ["", ""], line: 2, byte: 5)]),
        ("a\n\n\nb\n", [Row(fields: ["a"], line: 1, byte: 0), Row(fields: ["b"], line: 4, byte: 4)]),
        ("a,b,", [Row(fields: ["a", "b", ""], line: 1, byte: 0)]),
        ("\"\"\n", [Row(fields: [""], line: 1, byte: 0)]),
        ("", []),
    ]

    @Test(arguments: Chunking.allCases)
    func sameRecordsAndPositionsForEverySplit(chunking: Chunking) throws {
        for (input, expected) in Self.table {
            #expect(try Self.read(bytes(input), chunking) == expected, "input \(input.debugDescription)")
        }
    }

    @Test(arguments: [("a;b;c\n1;2;3\n", UInt8(ascii: ";")), ("a\tb\n", 0x09), ("a|b|c\n", UInt8(ascii: "|")),
                      ("a,b;c\n", UInt8(ascii: ",")), ("\"x;y\",b,c\n", UInt8(ascii: ",")), ("abc\n", UInt8(ascii: ","))])
    func sniffsTheDelimiterFromTheHeader(input: String, delimiter: UInt8) throws {
        let reader = try CSVReader(source: MemoryByteSource(bytes(input)))
        #expect(reader.delimiter == delimiter)
    }

    /// The word-at-a-time field scan must stop at a delimiter or line end in any byte position.
    @Test(arguments: [UInt8(ascii: ","), 0x0A, 0x0D])
    func fieldEndsAreFoundAtEveryWordPosition(end: UInt8) throws {
        for position in 1..<20 {
            var row = Array(repeating: UInt8(ascii: "x"), count: 24)
            row[position] = end
            let input = Array("h\n".utf8) + row + [0x0A]
            let rows = try Self.read(input, .whole, delimiter: UInt8(ascii: ","))
            let expected = end == UInt8(ascii: ",")
                ? [[String(repeating: "x", count: position), String(repeating: "x", count: 23 - position)]]
                : [[String(repeating: "x", count: position)], [String(repeating: "x", count: 23 - position)]]
            #expect(Array(rows.dropFirst().map(\.fields)) == expected, "end \(end) at \(position)")
        }
    }

    @Test func unterminatedQuoteIsFlagged() throws {
        let reader = try CSVReader(source: MemoryByteSource(bytes("a,\"open\n")))
        let row = try #require(try reader.next())
        #expect(row.unterminatedQuote)
        #expect(row.string(1) == "open\n")
    }

    @Test func largeRecordsGrowTheBuffers() throws {
        let wide = (0..<5000).map { "f\($0)" }.joined(separator: ",")
        let long = String(repeating: "x", count: 300_000)
        let rows = try Self.read(bytes(wide + "\n" + long + ",y\n"), .random(seed: 3))
        #expect(rows.count == 2)
        #expect(rows[0].fields.count == 5000)
        #expect(rows[1].fields == [long, "y"])
    }
}
