#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How the record tables (`PaymentTable`, `LineTable`) write texts and optional amounts into
/// their byte runs, and read them back: a text as its length (LEB128) and UTF-8 bytes, an
/// amount as 8 bytes. Bytes are only ever read back as a table wrote them.
public enum ArenaBytes {
    public static func appendText(_ bytes: UnsafeRawBufferPointer, to arena: inout [UInt8]) {
        var n = UInt(bytes.count)
        while n >= 0x80 {
            arena.append(UInt8(truncatingIfNeeded: n) | 0x80)
            n >>= 7
        }
        arena.append(UInt8(n))
        // as typed bytes: appending a raw buffer went through the generic, byte-by-byte path
        guard let base = bytes.baseAddress else { return }
        arena.append(
            contentsOf: UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: bytes.count))
    }

    public static func appendText(_ text: String, to arena: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendText(UnsafeRawBufferPointer($0), to: &arena) }
    }

    public static func appendInt(_ value: Int64, to arena: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { arena.append(contentsOf: $0) }
    }

    /// The text at `at`: its bytes and where the next part starts.
    @inlinable public static func text(at start: UnsafeRawPointer) -> (UnsafeRawBufferPointer, UnsafeRawPointer) {
        var at = start
        var length = 0
        var shift = 0
        while true {
            let byte = at.load(as: UInt8.self)
            at += 1
            length |= Int(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        return (UnsafeRawBufferPointer(start: at, count: length), at + length)
    }

    public static func string(at start: UnsafeRawPointer) -> (String, UnsafeRawPointer) {
        let (bytes, next) = text(at: start)
        return (String(decoding: bytes, as: UTF8.self), next)
    }

    @inlinable public static func int(at start: UnsafeRawPointer) -> Int64 {
        Int64(littleEndian: start.loadUnaligned(as: Int64.self))
    }

    /// Whether `text` is exactly `key`.
    @inlinable public static func same(_ text: UnsafeRawBufferPointer, _ key: UnsafeRawBufferPointer) -> Bool {
        text.count == key.count && (key.isEmpty || same(text.baseAddress!, key.baseAddress!, key.count))
    }

    @usableFromInline static func same(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
        memcmp(a, b, count) == 0
    }
}
