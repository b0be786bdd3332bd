import PaymentModels

/// Why one record could not be normalized: the field and the reason, for the rejects file.
public struct RecordError: Error, Sendable {
    public var field: String
    public var reason: String

    public init(field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }

    init(field: String, _ error: AmountError) {
        self.init(field: field, error.description)
    }
}
