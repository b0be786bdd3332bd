public import PaymentModels
import ReconMemory

extension StoredRows {
    /// What reading one query's rows has seen of its repeated texts (systems, currencies,
    /// statuses, kinds, files): each distinct text read once, not a `String` per row.
    struct Texts {
        var systems = TextCache<PaymentSystem?>()
        var currencies = TextCache<Currency?>()
        var statuses = TextCache<PaymentStatus?>()
        var settlementStatuses = TextCache<SettlementStatus?>()
        var kinds = TextCache<SettlementKind?>()
        var files = TextCache<SourceFile>()

        /// The file a row names (NULL: the empty name).
        mutating func file(_ path: UnsafeRawBufferPointer?) -> SourceFile {
            files.lookup(path ?? UnsafeRawBufferPointer(start: nil, count: 0)) { SourceFile($0) }.1
        }
    }
}

extension TextCache {
    /// The value of a column's text `read` makes (nil for NULL, or when it is not one).
    mutating func value<T>(_ text: UnsafeRawBufferPointer?, _ read: (String) -> T?) -> T? where Value == T? {
        guard let text else { return nil }
        return lookup(text, make: read).1
    }
}
