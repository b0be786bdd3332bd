import PaymentModels

/// A record's references in their order of preference, each once, blanks and placeholder
/// values (`NOTPROVIDED`, `/`) left out: the first is the record's key, the others its
/// alternate keys (an array only when there are any: most records have one key).
struct KeyList {
    private(set) var key = ""
    private(set) var alternates: [String]?
    let ignored: [String]

    init(ignoring ignored: [String] = []) {
        self.ignored = ignored
    }

    var values: [String] { key.isEmpty ? [] : [key] + (alternates ?? []) }

    mutating func add(_ value: String?) {
        guard let value = value.map(PaymentKey.trimmed), !value.isEmpty, !ignored.contains(value) else { return }
        if key.isEmpty {
            key = value
        } else if value != key {
            if alternates == nil {
                alternates = [value]
                alternates!.reserveCapacity(4)
            } else if !alternates!.contains(value) {
                alternates!.append(value)
            }
        }
    }
}
