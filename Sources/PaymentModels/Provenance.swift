/// Where a record starts in its input: byte offset, line and record number, all counted as the
/// reader saw them (bytes of the decompressed stream for gzip; lines from 1; records from 1).
public struct SourcePosition: Hashable, Sendable, Comparable, BitwiseCopyable {
    public var byte: Int64
    // 32-bit line and record numbers keep every record's provenance at 16 bytes; a file of
    // more than two billion lines is beyond what recon reads.
    private var line32: Int32
    private var record32: Int32

    public var line: Int64 { Int64(line32) }
    public var record: Int64 { Int64(record32) }

    public init(byte: Int64, line: Int64, record: Int64) {
        self.byte = byte
        self.line32 = Int32(clamping: line)
        self.record32 = Int32(clamping: record)
    }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool { lhs.byte < rhs.byte }
}

/// The origin of a fact: the input's name and the position within it.
///
/// Every payment, settlement record, reject and discrepancy carries one, so a report can point
/// at `settlement.csv:18` and a person can open the file at that line.
public struct Provenance: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// How a location is best shown: by line for line-framed text (CSV, JSON Lines), by record
    /// for formats where one record spans lines (a JSON array or envelope).
    public enum Locator: UInt8, Sendable { case line, record }

    public var source: SourceFile
    public var position: SourcePosition
    public var locator: Locator

    /// The file's path.
    public var file: String {
        get { source.path }
        set { source = SourceFile(newValue) }
    }

    public init(source: SourceFile, position: SourcePosition, locator: Locator = .line) {
        self.source = source
        self.position = position
        self.locator = locator
    }

    /// Registers `file` by name; readers making a provenance per record use
    /// `init(source:position:locator:)` with the file's `SourceFile`.
    public init(file: String, position: SourcePosition, locator: Locator = .line) {
        self.init(source: SourceFile(file), position: position, locator: locator)
    }

    /// `settlement.csv:18` or `payments.json:record 3`.
    public var description: String {
        switch locator {
        case .line: "\(file):\(position.line)"
        case .record: "\(file):record \(position.record)"
        }
    }

    public static func < (lhs: Provenance, rhs: Provenance) -> Bool {
        if lhs.source != rhs.source { return lhs.source < rhs.source }
        return lhs.position.byte < rhs.position.byte
    }
}
