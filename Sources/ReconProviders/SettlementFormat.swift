public import PaymentModels
public import ReconIngest

/// One settlement export or bank statement format recon reads. Each lives in one file and is
/// listed once in `SettlementFormats.all`, which drives detection, `recon providers`,
/// `recon providers --show` and the messages naming what recon reads.
///
/// A format is either a CSV layout the table adapter reads (`layout`, a `TableProfile`: facts,
/// no code), or read by code: JSON records recognized one by one, or an XML document
/// recognized by its root element and namespace. The defaults recognize nothing.
public protocol SettlementFormat: Sendable {
    /// The name `recon providers` lists, `--show` takes and `inspect` reports.
    var name: String { get }
    var description: String { get }
    /// What the format's files are: CSV, JSON or XML.
    var content: ContentFormat { get }
    /// The layout, for a CSV format the table adapter reads by its header.
    var layout: TableProfile? { get }
    /// The encoding the format's files are always written in (Alipay's bills: GBK), which turns
    /// a guess that agrees with it into a known encoding.
    var knownEncoding: TextEncoding? { get }
    func recognizes(json record: JSONRecord) -> Bool
    /// The reader named for a JSON record in `inspect` (the seed systems name their system).
    func readerName(json record: JSONRecord) -> String
    func record(json record: JSONRecord, provenance: Provenance) throws(RecordError) -> SettlementRecord
    func recognizes(xmlRoot root: String, namespace: String?) -> Bool
    func read(
        xml reader: XMLReader, path: String, namespace: String?, stats: inout SourceStats,
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void
    ) throws
}

extension SettlementFormat {
    public var layout: TableProfile? { nil }
    public var knownEncoding: TextEncoding? { nil }
    public func recognizes(json record: JSONRecord) -> Bool { false }
    public func readerName(json record: JSONRecord) -> String { name }
    public func record(json record: JSONRecord, provenance: Provenance) throws(RecordError) -> SettlementRecord {
        throw RecordError(field: "", "\(name) reads no JSON records")
    }
    public func recognizes(xmlRoot root: String, namespace: String?) -> Bool { false }
    public func read(
        xml reader: XMLReader, path: String, namespace: String?, stats: inout SourceStats,
        onRecord: (consuming SettlementRecord) throws -> Void, onReject: (Reject) throws -> Void
    ) throws {}
}

/// A JSON format whose records are each recognized and read by two static functions.
protocol JSONRecordFormat: SettlementFormat {
    static var name: String { get }
    static var description: String { get }
    static func recognizes(_ value: JSONValue) -> Bool
    static func record(_ value: JSONValue, provenance: Provenance) throws(RecordError) -> SettlementRecord
}

extension JSONRecordFormat {
    var name: String { Self.name }
    var description: String { Self.description }
    var content: ContentFormat { .json }
    func recognizes(json record: JSONRecord) -> Bool { Self.recognizes(record.value) }
    func record(json record: JSONRecord, provenance: Provenance) throws(RecordError) -> SettlementRecord {
        try Self.record(record.value, provenance: provenance)
    }
}

/// A built-in CSV layout is a format of its own.
extension TableProfile: SettlementFormat {
    public var content: ContentFormat { .csv }
    public var layout: TableProfile? { self }
}

/// Every settlement format, in the order detection tries them: for CSV the generic header
/// first, then each layout's header; for JSON Stripe objects, then generic records, then the
/// seed systems' own records; for XML by root element and namespace.
public enum SettlementFormats {
    public static let all: [any SettlementFormat] = [
        GenericSettlementCSV.Format(), StripeObject(), GenericSettlementJSON(), SeedSystemSettlement(), CamtStatement(),
        MT940Statement(), BAI2Statement(), Norma43Statement(), OFXStatement(),
        VippsSettlementXML(), SwedbankPaySettlement(), WeChatPayBill.tradeBill, WeChatPayBill.fundFlowBill,
        WeChatPayBill.personalBill,
        AlipayBill.merchantBill, AlipayBill.appBill, AlipayBill.webTradeList, VippsSettlementCSV.profile,
        StripeReportCSV.profile, AdyenSettlementDetails.profile, PayPalSettlementReport.profile,
        SeedSystemSettlement.yedpayCSV,
    ]

    /// The CSV layouts, in detection order.
    static let layouts: [TableProfile] = all.compactMap(\.layout)

    /// JSON formats, in detection order (Stripe objects before generic records: a balance
    /// transaction also has an amount and a currency).
    static let json: [any SettlementFormat] = all.filter { $0.content == .json }

    static let xml: [any SettlementFormat] = all.filter { $0.content == .xml }

    public static func named(_ name: String) -> (any SettlementFormat)? { all.first { $0.name == name } }

    /// The names of the formats of one content type, for messages.
    static func names(_ content: ContentFormat) -> String {
        all.filter { $0.content == content }.map(\.name).joined(separator: ", ")
    }
}
