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
        /// The record ended with the `/` terminator (continuations of text records may not).
        public var terminated: Bool
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
            let text = String(decoding: raw.filter { $0 != 0x1A }, as: UTF8.self)
            for piece in Self.records(in: text) {
                var body = Substring(piece)
                while body.last == " " { body = body.dropLast() }
                guard !body.isEmpty else { continue }
                // `88:EREF...`: a continuation written with a colon
                let code = String(body.prefix(2))
                let separator = body.dropFirst(2).first
                guard Self.codes.contains(code), separator == "," || separator == ":" && code == "88" else {
                    // a line that is no record: the record before it was wrapped
                    let terminated = body.last == "/"
                    queue.append(
                        Record(code: "", text: String(terminated ? body.dropLast() : body), line: lines.line,
                            terminated: terminated))
                    continue
                }
                let rest = separator == "," || separator == ":" ? body.dropFirst(3) : body.dropFirst(2)
                let terminated = rest.last == "/"
                queue.append(
                    Record(code: code, text: String(terminated ? rest.dropLast() : rest), line: lines.line,
                        terminated: terminated))
            }
        }
        return queue.removeFirst()
    }

    /// One line's records: split after a `/` followed by spaces and another record's code.
    static func records(in line: String) -> [String] {
        var out: [String] = []
        var start = line.startIndex
        var i = line.startIndex
        while i < line.endIndex {
            if line[i] == "/" {
                var j = line.index(after: i)
                var spaces = 0
                while j < line.endIndex, line[j] == " " {
                    j = line.index(after: j)
                    spaces += 1
                }
                if spaces > 0, let k = line.index(j, offsetBy: 3, limitedBy: line.endIndex),
                    codes.contains(String(line[j..<line.index(j, offsetBy: 2)])), line[line.index(j, offsetBy: 2)] == ","
                {
                    _ = k
                    out.append(String(line[start...i]))
                    start = j
                    i = j
                    continue
                }
            }
            i = line.index(after: i)
        }
        out.append(String(line[start...]))
        return out
    }
}
