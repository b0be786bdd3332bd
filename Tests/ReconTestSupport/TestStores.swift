import CLibPQ

#if canImport(Glibc)
    import Glibc
#endif

/// The stores the store tests run against: an SQLite file always, and a PostgreSQL database when
/// `RECON_TEST_POSTGRES_URL` names a server (scripts/test.sh starts one).
public enum TestStores {
    public static var kinds: [String] {
        getenv("RECON_TEST_POSTGRES_URL") == nil ? ["sqlite"] : ["sqlite", "postgres"]
    }

    /// A new, empty store of `kind`: a file in a new folder, or a new database on the server.
    public static func make(_ kind: String) -> String {
        guard kind == "postgres", let base = getenv("RECON_TEST_POSTGRES_URL").map({ String(cString: $0) }) else {
            return makeTemporaryDirectory() + "/recon.sqlite"
        }
        let name = "recon_test_\(UInt64.random(in: 0..<UInt64.max))"
        guard let connection = PQconnectdb(base) else { fatalError("libpq could not start") }
        defer { PQfinish(connection) }
        let result = PQexec(connection, "CREATE DATABASE \(name)")
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else {
            fatalError("cannot create a test database on \(base): \(String(cString: PQerrorMessage(connection)))")
        }
        // postgresql://user@host:port/postgres -> postgresql://user@host:port/<name>
        let prefix = base[..<(base.lastIndex(of: "/") ?? base.endIndex)]
        return prefix + "/" + name
    }
}
