public import PaymentModels

/// The exceptions of a store after a run: how many are in each state, the decisions people
/// made since the night before (each exception in the state it was put in), and the ones still
/// open (open or assigned, whatever night found them) grouped the way a finance team works them:
/// by age (0-2, 3-7, 8-30, over 30 days since first seen) and by amount tier, with counts and
/// totals per currency.
public struct ExceptionsReport: Sendable {
    /// A decision since the run before (or an exception recon opened again for review).
    public struct Decision: Sendable {
        public var subject: String
        public var kind: String
        public var key: String
        public var action: String
        public var by: String
        public var reason: String

        public init(subject: String, kind: String, key: String, action: String, by: String, reason: String) {
            (self.subject, self.kind, self.key, self.action, self.by, self.reason) = (
                subject, kind, key, action, by, reason
            )
        }
    }

    /// Every exception of the store by state (`open`, `assigned`, `resolved`).
    public var byState: [(state: String, count: Int)] = []
    public var decisions: [Decision] = []

    public struct Item: Sendable {
        public var id: String
        public var kind: String
        /// The amount at stake: the difference where both sides are known in one currency,
        /// else the amount of the side there is.
        public var amount: Money
        public var ageDays: Int64
        public var key = ""
        /// `open` or `assigned`, and to whom.
        public var state = "open"
        public var assignee: String?

        public init(id: String, kind: String, amount: Money, ageDays: Int64) {
            (self.id, self.kind, self.amount, self.ageDays) = (id, kind, amount, ageDays)
        }
    }

    /// How many open exceptions the reports list one by one (oldest first); the rest are in
    /// the groups and `recon exceptions list`.
    public static let listedMax = 500

    /// The open exceptions the reports list: oldest first, then largest (then by id). Sorted by
    /// index on precomputed keys: sorting the items themselves copied each one per comparison.
    public var listed: [Item] {
        let keys = items.map { ($0.ageDays, $0.amount.minorUnits.magnitude) }
        let order = items.indices.sorted { a, b in
            keys[a] != keys[b] ? keys[a] > keys[b] : items[a].id > items[b].id
        }
        return order.prefix(Self.listedMax).map { items[$0] }
    }

    public struct Group: Sendable {
        public var currency: Currency
        public var label: String
        public var count = 0
        public var total: Total = 0
    }

    public static let ageBuckets: [(label: String, days: ClosedRange<Int64>)] = [
        ("0-2 days", 0...2), ("3-7 days", 3...7), ("8-30 days", 8...30), ("over 30 days", 31...Int64.max),
    ]

    /// The amount tiers' lower bounds in major units (100: 100.00 EUR, 100 JPY): `[100, 1000,
    /// 10000]` makes "under 100", "100 to 1000", "1000 to 10000", "10000 and over".
    public static let defaultTiers: [Int64] = [100, 1_000, 10_000]

    public var items: [Item]
    public var tiers: [Int64]

    public init(items: [Item], tiers: [Int64] = Self.defaultTiers) {
        self.items = items
        self.tiers = tiers.sorted()
    }

    /// Count and total per currency and age bucket (only those with exceptions), by currency.
    public var byAge: [Group] {
        groups { item in Self.ageBuckets.first { $0.days.contains(item.ageDays) }?.label ?? "" }
    }

    /// Count and total per currency and amount tier (only those with exceptions), by currency.
    public var byTier: [Group] {
        let labels = tierLabels
        return groups { item in
            let major = item.amount.minorUnits.magnitude / UInt64(Self.scale(item.amount.currency))
            return labels[tiers.lastIndex { UInt64($0) <= major }.map { $0 + 1 } ?? 0]
        }
    }

    var tierLabels: [String] {
        guard let first = tiers.first, let last = tiers.last else { return ["any amount"] }
        return ["under \(first)"] + zip(tiers, tiers.dropFirst()).map { "\($0) to \($1)" } + ["\(last) and over"]
    }

    static func scale(_ currency: Currency) -> Int64 {
        var scale: Int64 = 1
        for _ in 0..<currency.exponent { scale *= 10 }
        return scale
    }

    /// Groups in the order of the currencies, then of the labels as `label` first gives them.
    func groups(_ label: (Item) -> String) -> [Group] {
        var groups: [Group] = []
        var found: [Currency: [String: Int]] = [:]  // where each group is in `groups`
        for item in items {
            let name = label(item)
            if let k = found[item.amount.currency]?[name] {
                groups[k].count += 1
                groups[k].total += Total(item.amount.minorUnits.magnitude)
            } else {
                found[item.amount.currency, default: [:]][name] = groups.count
                groups.append(
                    Group(
                        currency: item.amount.currency, label: name, count: 1,
                        total: Total(item.amount.minorUnits.magnitude)))
            }
        }
        // currencies in code order (`Currency` compares its packed code, which orders as the
        // text does, without making the text per comparison), then labels in `order`
        let order = Self.ageBuckets.map(\.label) + tierLabels
        return groups.sorted {
            ($0.currency, order.firstIndex(of: $0.label) ?? 0) < ($1.currency, order.firstIndex(of: $1.label) ?? 0)
        }
    }

    /// The amount a group's total is, for a person.
    public static func amount(_ group: Group) -> String {
        Money(total: group.total, currency: group.currency)?.decimalString ?? "\(group.total)"
    }
}
