#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Strings for columns with few distinct values (provider, status), made once per value.
///
/// A settlement file repeats "stripe" and "settled" a million times; looking the bytes up in a
/// short list is cheaper than building and hashing a new `String` each row.
struct TextCache<Value: Sendable>: Sendable {
    static var entriesMax: Int { 32 }
    private var entries: [(bytes: [UInt8], text: String, value: Value)] = []

    /// The cached text and value for `bytes`, making them with `make` on first sight.
    mutating func lookup(_ bytes: UnsafeRawBufferPointer, make: (String) -> Value) -> (String, Value) {
        // by index, comparing in place: iterating the entries would copy (and retain) each one
        for i in entries.indices where entries[i].bytes.count == bytes.count {
            let same = entries[i].bytes.withUnsafeBytes { stored in
                bytes.count == 0 || memcmp(stored.baseAddress!, bytes.baseAddress!, bytes.count) == 0
            }
            if same { return (entries[i].text, entries[i].value) }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let value = make(text)
        if entries.count < Self.entriesMax { entries.append((Array(bytes), text, value)) }
        return (text, value)
    }
}
