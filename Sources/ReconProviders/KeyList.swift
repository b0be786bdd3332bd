import PaymentModels

/// A record's references in their order of preference, each once, blanks and placeholder
/// values (`NOTPROVIDED`, `/`) left out: the first is the record's key, the others its
/// alternate keys (an array only when there are any: most records have one key).
struct KeyList {
    /// Values that stand for "no reference", never keys.
    enum Placeholders {
        case none
        /// camt's `NOTPROVIDED`.
        case notProvided
        /// A bank statement's: no reference (`NONREF`, `NOTPROVIDED`, `NONE`), or "see the EREF
        /// in :86:" (Rabobank's `EREF`).
        case bank

        func contains(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            switch self {
            case .none: return false
            case .notProvided: return BankBytes.equals(bytes, "NOTPROVIDED")
            case .bank:
                switch bytes.count {
                case 4: return BankBytes.equals(bytes, "NONE") || BankBytes.equals(bytes, "EREF")
                case 6: return BankBytes.equals(bytes, "NONREF")
                case 11: return BankBytes.equals(bytes, "NOTPROVIDED")
                default: return false
                }
            }
        }
    }

    private(set) var key = ""
    /// The first alternates kept inline, the rest in an array: gathering them allocates
    /// nothing (a reading thread may gather them and another make the record), and the record's
    /// array is made once, at its size, by `alternates`.
    private var second: String?
    private var third: String?
    private var fourth: String?
    private var rest: [String]?
    let ignoring: Placeholders

    init(ignoring: Placeholders = .none) {
        self.ignoring = ignoring
    }

    /// The keys after the first, nil when there are none.
    var alternates: [String]? {
        guard let second else { return nil }
        var all: [String] = []
        // sized before the first append: `[second]` then a reserve allocated twice
        all.reserveCapacity((third == nil ? 1 : fourth == nil ? 2 : 3) + (rest?.count ?? 0))
        all.append(second)
        if let third { all.append(third) }
        if let fourth { all.append(fourth) }
        if let rest { all += rest }
        return all
    }

    var values: [String] { key.isEmpty ? [] : [key] + (alternates ?? []) }

    /// Adds `value` trimmed (the blanks `PaymentKey.trimmed` trims), unless it is empty, a
    /// placeholder or there already: one pass over its bytes, a new string only when trimmed.
    mutating func add(_ value: String?) {
        guard var value else { return }
        let ignoring = ignoring
        let keep: Bool? = value.withUTF8 { all in
            var (start, end) = (0, all.count)
            while start < end, BankBytes.isBlank(all[start]) { start += 1 }
            while end > start, BankBytes.isBlank(all[end - 1]) { end -= 1 }
            let trimmed = UnsafeBufferPointer(rebasing: all[start..<end])
            if trimmed.isEmpty || ignoring.contains(trimmed) { return false }
            return trimmed.count == all.count ? true : nil
        }
        switch keep {
        case false: return
        case nil: value = PaymentKey.trimmed(value)
        default: break
        }
        insert(value)
    }

    /// Adds bytes a reader already trimmed (as `BankBytes.trimmed` does), unless they are none,
    /// empty, a placeholder or there already: checked before a string is made of them.
    mutating func add(trimmed bytes: UnsafeBufferPointer<UInt8>?) {
        guard let bytes, !bytes.isEmpty, !ignoring.contains(bytes) else { return }
        insert(String(decoding: bytes, as: UTF8.self))
    }

    private mutating func insert(_ value: String) {
        // lengths first (read from the strings, not counted): most keys differ in length, and
        // comparing them is then one test instead of a call
        let n = value.utf8.count
        func same(_ other: String?) -> Bool { other.map { $0.utf8.count == n && $0 == value } ?? false }
        if key.isEmpty {
            key = value
        } else if same(key) || same(second) || same(third) || same(fourth) {
            return
        } else if second == nil {
            second = value
        } else if third == nil {
            third = value
        } else if fourth == nil {
            fourth = value
        } else if rest == nil {
            rest = [value]
        } else if !rest!.contains(value) {
            rest!.append(value)
        }
    }
}
