import Foundation
public import ReconStore
import ReconReports

/// The store's saved runs, for `recon runs` and `recon report`.
public enum StoreAccess {
    /// A store location as it may be printed: passwords taken out.
    public static func redacted(_ location: String) -> String { StoreLocation.redacted(location) }

    /// Whether a location names a PostgreSQL server (a URL or libpq's keyword form).
    public static func isServer(_ location: String) -> Bool { StoreLocation.isServer(location) }

    public static func runs(_ path: String) throws -> [RunRow] {
        do { return try openStore(path, existing: true).runs() } catch { throw ReconError(store: error) }
    }

    /// Writes the report files a run saved into `directory`; their names.
    public static func writeOutputs(run: Int64, store path: String, to directory: String) throws -> [String] {
        let outputs: [(name: String, content: [UInt8])]
        do { outputs = try openStore(path, existing: true).outputs(run: run) } catch {
            throw ReconError(store: error)
        }
        guard !outputs.isEmpty else {
            throw ReconError(.usage, "the store \(StoreLocation.redacted(path)) has no run \(run); see 'recon runs'")
        }
        try ReconcileJob.makeDirectory(directory)
        for file in outputs {
            // a name from the store is a plain file name, never a path out of the folder
            guard !file.name.isEmpty, !file.name.contains("/"), file.name != "..", file.name != "." else {
                let store = StoreLocation.redacted(path)
                throw ReconError(.io, "the store \(store) names an output '\(file.name)' that is not a file name")
            }
            do throws(OutputError) {
                let out = try OutputFile(path: directory + "/" + file.name)
                try out.write(String(decoding: file.content, as: UTF8.self))
                try out.close()
            } catch {
                throw ReconError(.io, error.description)
            }
        }
        return outputs.map(\.name)
    }
}
