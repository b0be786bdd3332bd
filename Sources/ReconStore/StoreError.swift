#if canImport(Glibc)
    import Glibc
#endif
/// A store that cannot be used: it cannot be opened or written, its server refuses, or its
/// schema is newer than this recon. The command ends with exit code 74 and nothing written.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable {
        case unavailable, newerSchema
        /// Another run held the store for longer than the wait (`StoreWait`).
        case busy
    }

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

/// How long a run waits for another that holds the store before giving up with `busy`:
/// `RECON_STORE_WAIT_SECONDS`, 600 by default (ten minutes).
public enum StoreWait {
    public static var seconds: Int {
        guard let text = getenv("RECON_STORE_WAIT_SECONDS").map({ String(cString: $0) }), let n = Int(text), n >= 0
        else { return 600 }
        return min(n, 86_400)
    }
}
