#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How the record tables (`PaymentTable`, `LineTable`) keep texts and optional amounts in a
/// chunk's byte arena: a text as its length (LEB128) and UTF-8 bytes, an amount as 8 bytes.
/// Bytes are only ever read back as the table wrote them.
@usableFromInline enum ArenaBytes {
    static func appendText(_ bytes: UnsafeRawBufferPointer, to arena: inout [UInt8]) {
        var n = UInt(bytes.count)
        while n >= 0x80 {
            arena.append(UInt8(truncatingIfNeeded: n) | 0x80)
            n >>= 7
        }
        arena.append(UInt8(n))
        arena.append(contentsOf: bytes)
    }

    static func appendText(_ text: String, to arena: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendText(UnsafeRawBufferPointer($0), to: &arena) }
    }

    static func appendInt(_ value: Int64, to arena: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { arena.append(contentsOf: $0) }
    }

    /// The bytes of the text at `at`: (first byte, end).
    @inlinable static func text(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> (Int, Int) {
        var at = at
        var length = 0
        var shift = 0
        while true {
            let byte = bytes[at]
            at += 1
            length |= Int(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        return (at, at + length)
    }

    static func string(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> (String, Int) {
        let (start, end) = text(bytes, at)
        return (String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self), end)
    }

    static func int(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> Int64 {
        Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: Int64.self))
    }

    /// Whether the text at `at` is exactly `key`.
    @inlinable static func text(_ bytes: UnsafeRawBufferPointer, _ at: Int, equals key: UnsafeRawBufferPointer) -> Bool
    {
        let (start, end) = text(bytes, at)
        guard end - start == key.count else { return false }
        return key.isEmpty || same(bytes.baseAddress! + start, key.baseAddress!, key.count)
    }

    @usableFromInline static func same(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
        memcmp(a, b, count) == 0
    }

    /// `arena` without its unused capacity, when that is more than an eighth.
    static func shrunk(_ arena: [UInt8]) -> [UInt8] {
        guard arena.capacity > arena.count + arena.count / 8 + 4096 else { return arena }
        return [UInt8](unsafeUninitializedCapacity: arena.count) { copy, initialized in
            initialized = copy.initialize(fromContentsOf: arena)
        }
    }
}
