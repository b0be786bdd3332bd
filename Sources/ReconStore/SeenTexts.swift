public import PaymentModels

#if canImport(Glibc)
    import Glibc
#endif

/// The values a column's few distinct texts stand for (a system, a currency, a status, a
/// file): a row's bytes are looked up among the texts seen before, and only a text not seen
/// yet is made a `String` and read. A column of more distinct texts than `limit` reads the
/// rest each time.
struct SeenTexts<Value> {
    private var texts: [[UInt8]] = []
    private var values: [Value?] = []
    private let limit = 64

    /// The value of `text` (nil when `read` says the text is not one; nil for NULL).
    mutating func value(_ text: UnsafeRawBufferPointer?, _ read: (String) -> Value?) -> Value? {
        guard let text else { return nil }
        if let k = seen(text) { return values[k] }
        let value = read(String(decoding: text, as: UTF8.self))
        remember(text, value)
        return value
    }

    /// Where `text` is among the texts seen.
    func seen(_ text: UnsafeRawBufferPointer) -> Int? {
        texts.indices.first { k in
            texts[k].count == text.count
                && texts[k].withUnsafeBytes { seen in
                    text.isEmpty || memcmp(seen.baseAddress!, text.baseAddress!, text.count) == 0
                }
        }
    }

    subscript(k: Int) -> Value? { values[k] }

    mutating func remember(_ text: UnsafeRawBufferPointer, _ value: Value?) {
        guard texts.count < limit else { return }
        texts.append(Array(text))
        values.append(value)
    }
}

extension StoredRows {
    /// What reading one query's rows has seen of its repeated texts.
    struct Texts {
        var systems = SeenTexts<PaymentSystem>()
        var currencies = SeenTexts<Currency>()
        var statuses = SeenTexts<PaymentStatus>()
        var settlementStatuses = SeenTexts<SettlementStatus>()
        var kinds = SeenTexts<SettlementKind>()
        /// Files, each registered once (registering takes a lock).
        var files = SeenTexts<SourceFile>()
        var moreFiles: [String: SourceFile] = [:]

        mutating func file(_ path: UnsafeRawBufferPointer?) -> SourceFile {
            let path = path ?? UnsafeRawBufferPointer(start: nil, count: 0)
            if let k = files.seen(path), let file = files[k] { return file }
            let text = String(decoding: path, as: UTF8.self)
            let file = moreFiles[text] ?? SourceFile(text)
            moreFiles[text] = file
            files.remember(path, file)
            return file
        }
    }
}
