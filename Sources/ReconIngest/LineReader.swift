/// Lines of a text source, for the line-record formats (MT940, BAI2, Norma 43): each line
/// without its `\n` or `\r\n`, with its number. A line longer than `lineBytesMax` is an error,
/// never a buffer that grows without end.
public final class LineReader {
    public static let lineBytesMax = 1 << 20
    private let window: ByteWindow
    /// The number of the line `next()` returned last (1-based).
    public private(set) var line: Int64 = 0

    public init(source: any ByteSource) {
        window = ByteWindow(source: source)
    }

    public var name: String { window.name }

    /// The next line, or nil at the end of the source: its bytes in the reader's buffer, valid
    /// until the next call (no copy, no reference counted per line).
    public func next() throws(IngestError) -> Slice<UnsafeBufferPointer<UInt8>>? {
        guard try window.peek() != nil else { return nil }
        let number = line + 1
        let bytes = try window.take(until: 0x0A, andStop: true, limit: Self.lineBytesMax) {
            IngestError(
                .limitExceeded, "line \(number) is longer than \(Self.lineBytesMax) bytes: not a line-record file",
                file: window.name, line: number)
        }
        line = number
        return bytes.last == 0x0D ? bytes.dropLast() : bytes[...]
    }
}
