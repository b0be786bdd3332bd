#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The physical records of a BAI2 file (cash management balance reporting): `NN,fields...`
/// ending in an optional `/`, one or more to a line (some banks put the next record after a
/// `/` and spaces on the same line), padded with spaces or not. Each record is its two-digit
/// type and its bytes after the comma, without the terminating `/`: no `String` per record.
/// Knows no accounts.
public final class BAI2RecordReader {
    /// Bytes in the line reader's buffer.
    public typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>

    public struct Record {
        /// 1, 2, 3, 16, 88, 49, 98 or 99; 0 for a line that is no record (the text of the
        /// record before it, wrapped).
        public var code: Int
        /// The record's bytes: valid until the next call of `next()` (they are the line
        /// reader's).
        public var text: Bytes
        public var line: Int64
    }

    private let lines: LineReader
    /// The line being given out, and where its next record starts.
    private var current = Bytes(base: UnsafeBufferPointer(start: nil, count: 0), bounds: 0..<0)
    private var cut: Int?

    public init(source: any ByteSource) {
        lines = LineReader(source: source)
    }

    public func next() throws(IngestError) -> Record? {
        while true {
            if let from = cut {
                let (piece, nextFrom) = Self.record(in: current, from: from)
                cut = nextFrom
                var body = piece
                while let last = body.last, last == 0x20 || last == 0x1A { body = body.dropLast() }
                guard !body.isEmpty else { continue }
                let terminated = body.last == UInt8(ascii: "/")
                let s = body.startIndex
                // `88:EREF...`: a continuation written with a colon
                if body.count >= 3, let code = Self.code(body[s], body[s + 1]),
                    body[s + 2] == UInt8(ascii: ",") || body[s + 2] == UInt8(ascii: ":") && code == 88
                {
                    let rest = body.dropFirst(3)
                    return Record(code: code, text: terminated ? rest.dropLast() : rest, line: lines.line)
                }
                // a line that is no record: the record before it was wrapped
                return Record(code: 0, text: terminated ? body.dropLast() : body, line: lines.line)
            }
            guard let raw = try lines.next() else { return nil }
            current = raw
            cut = raw.startIndex
        }
    }

    /// Where `byte` first is in `line` from `from` on: `memchr`, many times a loop's speed.
    static func firstIndex(of byte: UInt8, in line: Bytes, from: Int) -> Int? {
        guard from < line.endIndex, let base = line.base.baseAddress,
            let hit = memchr(base + from, Int32(byte), line.endIndex - from)
        else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    /// The record type of two digits, if they are one.
    static func code(_ a: UInt8, _ b: UInt8) -> Int? {
        guard a >= 0x30 && a <= 0x39 && b >= 0x30 && b <= 0x39 else { return nil }
        let n = Int(a - 0x30) * 10 + Int(b - 0x30)
        switch n {
        case 1, 2, 3, 16, 88, 49, 98, 99: return n
        default: return nil
        }
    }

    /// The record starting at `from` in `line`, and where the next one starts (nil for none):
    /// a line is cut after a `/` followed by spaces and another record's code and a comma
    /// (`...2/   02,...`).
    static func record(in line: Bytes, from: Int) -> (Bytes, Int?) {
        var i = from
        while let slash = firstIndex(of: UInt8(ascii: "/"), in: line, from: i) {
            var j = slash + 1
            while j < line.endIndex, line[j] == 0x20 { j += 1 }
            if j > slash + 1, j + 2 < line.endIndex, line[j + 2] == UInt8(ascii: ","),
                code(line[j], line[j + 1]) != nil
            {
                return (line[from...slash], j)
            }
            i = slash + 1
        }
        return (line[from...], nil)
    }
}
