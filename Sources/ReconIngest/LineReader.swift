/// Lines of a text source, for the line-record formats (MT940, BAI2, Norma 43): each line
/// without its `\n` or `\r\n`, with its number. A line longer than `lineBytesMax` is an error,
/// never a buffer that grows without end.
public final class LineReader {
    public static let lineBytesMax = 1 << 20
    private let source: any ByteSource
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    /// The number of the line `next()` returned last (1-based).
    public private(set) var line: Int64 = 0

    public init(source: any ByteSource) {
        self.source = source
    }

    public var name: String { source.name }

    /// The next line, or nil at the end of the source.
    public func next() throws(IngestError) -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                var end = newline
                if end > start && buffer[end - 1] == 0x0D { end -= 1 }
                defer { start = newline + 1 }
                line += 1
                return buffer[start..<end]
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                line += 1
                var end = buffer.count
                if buffer[end - 1] == 0x0D { end -= 1 }
                return buffer[start..<end]
            }
            guard buffer.count - start <= Self.lineBytesMax else {
                throw IngestError(
                    .limitExceeded,
                    "line \(line + 1) is longer than \(Self.lineBytesMax) bytes: not a line-record file",
                    file: source.name, line: line + 1)
            }
            try fill()
        }
    }

    private func fill() throws(IngestError) {
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
        defer { chunk.deallocate() }
        let n = try source.read(into: chunk)
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[..<n]))
        if n == 0 { atEnd = true }
    }
}
