#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How the record tables (`PaymentTable`, `LineTable`) write texts and optional amounts into
/// their byte runs, and read them back: a text as its length (LEB128) and UTF-8 bytes, an
/// amount as 8 bytes. Bytes are only ever read back as a table wrote them.
public enum ArenaBytes {
    /// The bytes a text of `count` bytes takes: its length's, then its own.
    public static func textSize(_ count: Int) -> Int {
        var n = UInt(count)
        var size = 1
        while n >= 0x80 {
            size += 1
            n >>= 7
        }
        return size + count
    }

    /// The bytes `text` takes (`textSize` of its UTF-8 count).
    public static func textSize(_ text: String) -> Int { textSize(text.utf8.count) }

    /// Writes a text at `at` (room for `textSize` bytes) and returns where the next part goes.
    public static func write(_ bytes: UnsafeRawBufferPointer, at start: UnsafeMutableRawPointer)
        -> UnsafeMutableRawPointer
    {
        var at = start
        var n = UInt(bytes.count)
        while n >= 0x80 {
            at.storeBytes(of: UInt8(truncatingIfNeeded: n) | 0x80, as: UInt8.self)
            at += 1
            n >>= 7
        }
        at.storeBytes(of: UInt8(n), as: UInt8.self)
        at += 1
        if let base = bytes.baseAddress, !bytes.isEmpty { at.copyMemory(from: base, byteCount: bytes.count) }
        return at + bytes.count
    }

    public static func write(_ text: String, at start: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        var text = text
        return text.withUTF8 { write(UnsafeRawBufferPointer($0), at: start) }
    }

    /// Writes an amount (8 bytes) at `at` and returns where the next part goes.
    public static func write(_ value: Int64, at start: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        start.storeBytes(of: value.littleEndian, toByteOffset: 0, as: Int64.self)
        return start + 8
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
