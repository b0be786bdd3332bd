/// Why an input could not be read, with where.
///
/// One struct for the whole layer, shaped like NIO's errors: a stable `code`, a message for a
/// person, and the file and position when known.
public struct IngestError: Error, Sendable, CustomStringConvertible {
    /// Stable identifiers for the kinds of failure; callers map them to exit codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public var description: String { rawValue }
        /// The file could not be opened or read (exit 74).
        public static let io = Code(rawValue: "io")
        /// gzip data ends before its end-of-stream marker.
        public static let truncatedGzip = Code(rawValue: "truncated_gzip")
        /// gzip data is damaged.
        public static let corruptGzip = Code(rawValue: "corrupt_gzip")
        /// Not well-formed JSON.
        public static let malformedJSON = Code(rawValue: "malformed_json")
        /// A record beyond a named limit.
        public static let limitExceeded = Code(rawValue: "limit_exceeded")
        /// Bytes that are not text in the expected encoding.
        public static let encoding = Code(rawValue: "encoding")
        /// Not well-formed XML.
        public static let malformedXML = Code(rawValue: "malformed_xml")
        /// A zip file recon cannot read (damaged, zip64, several data files).
        public static let malformedZip = Code(rawValue: "malformed_zip")
        /// XML with a DTD or entity references, refused.
        public static let unsafeXML = Code(rawValue: "unsafe_xml")
    }

    public var code: Code
    public var message: String
    public var file: String
    /// Byte offset in the (decompressed) stream, or in the compressed file for gzip errors.
    public var byte: Int64?
    public var line: Int64?
    /// Column on `line` (1-based), where the reader knows it (XML).
    public var column: Int64?

    public init(_ code: Code, _ message: String, file: String, byte: Int64? = nil, line: Int64? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.byte = byte
        self.line = line
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        if let byte { location += " (byte \(byte))" }
        return "\(location): \(message)"
    }
}
