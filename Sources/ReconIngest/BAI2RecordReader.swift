/// The physical records of a BAI2 file (cash management balance reporting): `NN,fields...`
/// ending in an optional `/`, one or more to a line (some banks put the next record after a
/// `/` and spaces on the same line), padded with spaces or not. Each record is its two-digit
/// type and its text after the comma, without the terminating `/`. Knows no accounts.
public final class BAI2RecordReader {
    public struct Record: Sendable {
        /// `01`, `02`, `03`, `16`, `88`, `49`, `98`, `99`; empty for a line that is no record
        /// (the text of the record before it, wrapped).
        public var code: String
        public var text: String
        public var line: Int64
    }

    public static let codes: Set<String> = ["01", "02", "03", "16", "88", "49", "98", "99"]
    private let lines: LineReader
    private var queue: [Record] = []

    public init(source: any ByteSource) {
        lines = LineReader(source: source)
    }

    public func next() throws(IngestError) -> Record? {
        while queue.isEmpty {
            guard let raw = try lines.next() else { return nil }
            for piece in Self.records(in: raw) {
                var body = piece
                while let last = body.last, last == 0x20 || last == 0x1A { body = body.dropLast() }
                guard !body.isEmpty else { continue }
                let code = String(decoding: body.prefix(2), as: UTF8.self)
                let separator = body.dropFirst(2).first
                let terminated = body.last == UInt8(ascii: "/")
                // `88:EREF...`: a continuation written with a colon
                guard Self.codes.contains(code),
                    separator == UInt8(ascii: ",") || separator == UInt8(ascii: ":") && code == "88"
                else {
                    // a line that is no record: the record before it was wrapped
                    queue.append(
                        Record(code: "", text: Self.text(terminated ? body.dropLast() : body), line: lines.line))
                    continue
                }
                let rest = body.dropFirst(3)
                queue.append(Record(code: code, text: Self.text(terminated ? rest.dropLast() : rest), line: lines.line))
            }
        }
        return queue.removeFirst()
    }

    static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// One line's records: split after a `/` followed by spaces and another record's code and a
    /// comma (`...2/   02,...`).
    static func records(in line: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var start = line.startIndex
        var i = line.startIndex
        while let slash = line[i...].firstIndex(of: UInt8(ascii: "/")) {
            var j = slash + 1
            while j < line.endIndex, line[j] == 0x20 { j += 1 }
            if j > slash + 1, j + 2 < line.endIndex, line[j + 2] == UInt8(ascii: ","),
                codes.contains(String(decoding: line[j..<(j + 2)], as: UTF8.self))
            {
                out.append(line[start...slash])
                start = j
            }
            i = slash + 1
        }
        out.append(line[start...])
        return out
    }
}
