/// A record the pipeline keeps in a compact table (`PaymentTable`, `LineTable`).
public protocol TableRecord: Sendable {
    associatedtype Table: RandomAccessCollection, Sendable where Table.Element == Self, Table.Index == Int
    static func makeTable() -> Table
    static func append(_ record: borrowing Self, to table: inout Table)
}

extension Payment: TableRecord {
    public static func makeTable() -> PaymentTable { PaymentTable() }
    public static func append(_ record: borrowing Payment, to table: inout PaymentTable) { table.append(record) }
}

extension SettlementRecord: TableRecord {
    public static func makeTable() -> LineTable { LineTable() }
    public static func append(_ record: borrowing SettlementRecord, to table: inout LineTable) { table.append(record) }
}
