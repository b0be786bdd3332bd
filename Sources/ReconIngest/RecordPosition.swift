/// Where a record starts: byte offset in the (decompressed) stream, line (from 1) and record
/// number (from 1). Readers know no payments, so this is their own type; adapters turn it into
/// the models' `SourcePosition`.
public struct RecordPosition: Hashable, Sendable {
    public var byte: Int64
    public var line: Int64
    public var record: Int64

    public init(byte: Int64, line: Int64, record: Int64) {
        self.byte = byte
        self.line = line
        self.record = record
    }
}
