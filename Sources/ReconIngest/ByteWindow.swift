#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A window over a source's bytes for the readers that cut text at a delimiter (lines, OFX
/// tags): read in 64 KiB chunks, kept from the current position on only.
final class ByteWindow {
    private let source: any ByteSource
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false

    init(source: any ByteSource) {
        self.source = source
    }

    var name: String { source.name }

    /// The next byte, not taken; nil at the end.
    func peek() throws(IngestError) -> UInt8? {
        while position == buffer.count {
            if atEnd { return nil }
            try fill()
        }
        return buffer[position]
    }

    /// Takes the byte `peek` returned.
    func skip() { position += 1 }

    /// The bytes before the next `stop`, or to the end; `stop` is left in place. More than
    /// `limit` bytes without one is the error `tooLong` makes: a buffer never grows without end.
    func take(until stop: UInt8, limit: Int, tooLong: () -> IngestError) throws(IngestError) -> ArraySlice<UInt8> {
        var scanned = position
        while true {
            if let found = Self.firstIndex(of: stop, in: buffer, from: scanned) {
                defer { position = found }
                return buffer[position..<found]
            }
            scanned = buffer.count
            guard buffer.count - position <= limit else { throw tooLong() }
            if atEnd {
                defer { position = buffer.count }
                return buffer[position...]
            }
            let offset = position
            try fill()
            scanned -= offset
        }
    }

    /// `memchr` over the array: many times the speed of a generic `firstIndex(of:)` loop.
    private static func firstIndex(of byte: UInt8, in buffer: [UInt8], from: Int) -> Int? {
        buffer.withUnsafeBufferPointer { all in
            guard from < all.count, let base = all.baseAddress,
                let hit = memchr(base + from, Int32(byte), all.count - from)
            else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
    }

    private func fill() throws(IngestError) {
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
        defer { chunk.deallocate() }
        let n = try source.read(into: chunk)
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[..<n]))
        if n == 0 { atEnd = true }
    }
}
