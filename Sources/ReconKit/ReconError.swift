import ReconStore

/// A failure that ends a command, with the exit code it maps to (ARCHITECTURE.md).
public struct ReconError: Error, Sendable, CustomStringConvertible {
    public enum Code: Int32, Sendable {
        case discrepancies = 1
        case usage = 64
        case dataUnusable = 65
        case io = 74
        /// The store is held by another run past the wait (`RECON_STORE_WAIT_SECONDS`): try again later.
        case busy = 75
    }

    public var code: Code
    /// Already in the `<file>:<line>: <field>: <what is wrong>` shape where a record is involved.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// A store's failure: 75 when another run held it past the wait, else 74.
    init(store error: StoreError) {
        self.init(error.code == .busy ? .busy : .io, error.message)
    }
}

/// The exit codes in one place.
public enum ExitStatus {
    public static let clean: Int32 = 0
    public static let discrepancies: Int32 = 1
}
