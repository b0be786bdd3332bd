import PaymentModels

/// A record's references in their order of preference, each once, blanks and placeholder
/// values (`NOTPROVIDED`, `/`) left out: the first is the record's key, the others its
/// alternate keys.
struct KeyList {
    private(set) var values: [String] = []
    let ignored: [String]

    init(ignoring ignored: [String] = []) {
        self.ignored = ignored
        values.reserveCapacity(8)  // one allocation, not one per doubling
    }

    mutating func add(_ value: String?) {
        guard let value = value.map(PaymentKey.trimmed), !value.isEmpty, !ignored.contains(value),
            !values.contains(value)
        else { return }
        values.append(value)
    }

    var key: String { values.first ?? "" }
    var alternates: [String]? { values.count > 1 ? Array(values.dropFirst()) : nil }
}
