/// One line of a provider's settlement export: the actual side of a reconciliation.
public struct SettlementRecord: Sendable {
    /// The identifier the line carries; it may be the merchant's key or the provider's id.
    public var key: String
    /// The provider's own id for this line (`settlement_id`).
    public var settlementId: String?
    /// The provider named on the line, if any.
    public var provider: String?
    public var gross: Money
    public var fee: Money?
    public var net: Money?
    public var status: SettlementStatus
    public var rawStatus: String
    public var settledAt: Timestamp?
    public var provenance: Provenance

    public init(
        key: String, settlementId: String? = nil, provider: String? = nil, gross: Money,
        fee: Money? = nil, net: Money? = nil, status: SettlementStatus, rawStatus: String,
        settledAt: Timestamp? = nil, provenance: Provenance
    ) {
        self.key = key
        self.settlementId = settlementId
        self.provider = provider
        self.gross = gross
        self.fee = fee
        self.net = net
        self.status = status
        self.rawStatus = rawStatus
        self.settledAt = settledAt
        self.provenance = provenance
    }
}
