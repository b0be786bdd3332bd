#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A window over a source's bytes for the readers that cut text at a delimiter (lines, OFX
/// tags): read in 64 KiB chunks straight into one buffer of its own, kept from the current
/// position on only. What `take` returns points into that buffer: no copy and no reference
/// counted per line, valid until the window is read again (the next `peek`, `take` or `skip`).
final class ByteWindow {
    private static let chunk = 1 << 16
    private let source: any ByteSource
    private var storage: UnsafeMutableBufferPointer<UInt8>
    /// The bytes read and not yet taken are `position..<count`.
    private var count = 0
    private var position = 0
    private var atEnd = false

    init(source: any ByteSource) {
        self.source = source
        storage = .allocate(capacity: 2 * Self.chunk)
    }

    deinit { storage.deallocate() }

    var name: String { source.name }

    /// The next byte, not taken; nil at the end.
    func peek() throws(IngestError) -> UInt8? {
        while position == count {
            if atEnd { return nil }
            try fill()
        }
        return storage[position]
    }

    /// Takes the byte `peek` returned.
    func skip() { position += 1 }

    /// The bytes before the next `stop`, or to the end; `stop` is left in place, or taken too
    /// when `andStop`. More than `limit` bytes without one is the error `tooLong` makes: the
    /// buffer never grows without end.
    func take(
        until stop: UInt8, andStop: Bool = false, limit: Int, tooLong: () -> IngestError
    ) throws(IngestError) -> UnsafeBufferPointer<UInt8> {
        var scanned = position
        while true {
            if let found = firstIndex(of: stop, from: scanned) {
                defer { position = andStop ? found + 1 : found }
                return UnsafeBufferPointer(rebasing: storage[position..<found])
            }
            scanned = count
            guard count - position <= limit else { throw tooLong() }
            if atEnd {
                defer { position = count }
                return UnsafeBufferPointer(rebasing: storage[position..<count])
            }
            let offset = position
            try fill()
            scanned -= offset
        }
    }

    /// `memchr`: many times the speed of a generic `firstIndex(of:)` loop.
    private func firstIndex(of byte: UInt8, from: Int) -> Int? {
        guard from < count, let base = storage.baseAddress, let hit = memchr(base + from, Int32(byte), count - from)
        else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    /// Moves the bytes not taken to the front and reads a chunk after them, growing the buffer
    /// (by doubling, up to what `take`'s limit allows) when a chunk does not fit.
    private func fill() throws(IngestError) {
        if position > 0 {
            let base = storage.baseAddress!
            memmove(base, base + position, count - position)
            count -= position
            position = 0
        }
        if storage.count - count < Self.chunk {
            let grown = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 2 * storage.count)
            grown.baseAddress!.initialize(from: storage.baseAddress!, count: count)
            storage.deallocate()
            storage = grown
        }
        let n = try source.read(
            into: UnsafeMutableRawBufferPointer(
                UnsafeMutableBufferPointer(rebasing: storage[count..<(count + Self.chunk)])))
        count += n
        if n == 0 { atEnd = true }
    }
}
