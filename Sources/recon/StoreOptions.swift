import Foundation

/// The store option of the commands that use one: an SQLite file, or `postgres://...`; without
/// the option, `RECON_STORE_URL` or `recon.sqlite`.
enum StoreOptions {
    static func location(_ given: String?) -> String {
        given ?? ProcessInfo.processInfo.environment["RECON_STORE_URL"] ?? "recon.sqlite"
    }
}
