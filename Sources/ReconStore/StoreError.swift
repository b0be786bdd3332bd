/// A store that cannot be used: it cannot be opened or written, its server refuses, or its
/// schema is newer than this recon. The command ends with exit code 74 and nothing written.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable { case unavailable, newerSchema }

    public var code: Code
    public var message: String
    /// PostgreSQL's SQLSTATE for a statement the server refused (`23505`: a unique key taken).
    var sqlState: String?

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
