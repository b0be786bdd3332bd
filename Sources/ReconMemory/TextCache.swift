/// Strings for columns with few distinct values (provider, status, currency, file), made once
/// per value.
///
/// A settlement file (or a store's open rows) repeats "stripe" and "settled" a million times;
/// looking the bytes up in a short list is cheaper than building and hashing a new `String`
/// each row. Past `entriesMax` distinct values, the rest are made each time.
public struct TextCache<Value: Sendable>: Sendable {
    @usableFromInline static var entriesMax: Int { 32 }
    @usableFromInline var entries: [(bytes: [UInt8], text: String, value: Value)] = []

    public init() {}

    /// The cached text and value for `bytes`, making them with `make` on first sight.
    @inlinable
    public mutating func lookup(_ bytes: UnsafeRawBufferPointer, make: (String) -> Value) -> (String, Value) {
        // by index, comparing in place: iterating the entries would copy (and retain) each one
        for i in entries.indices where entries[i].bytes.count == bytes.count {
            let same = entries[i].bytes.withUnsafeBytes { ArenaBytes.same($0, bytes) }
            if same { return (entries[i].text, entries[i].value) }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let value = make(text)
        if entries.count < Self.entriesMax { entries.append((Array(bytes), text, value)) }
        return (text, value)
    }
}
