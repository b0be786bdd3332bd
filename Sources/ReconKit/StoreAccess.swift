import Foundation
public import ReconStore

/// The store's saved runs, for `recon runs` and `recon report`.
public enum StoreAccess {
    public static func runs(_ path: String) throws -> [RunRow] {
        do { return try openStore(path).runs() } catch { throw ReconError(.io, error.message) }
    }

    /// Writes the report files a run saved into `directory`; their names.
    public static func writeOutputs(run: Int64, store path: String, to directory: String) throws -> [String] {
        let outputs: [(name: String, content: [UInt8])]
        do { outputs = try openStore(path).outputs(run: run) } catch { throw ReconError(.io, error.message) }
        guard !outputs.isEmpty else {
            throw ReconError(.usage, "the store \(path) has no run \(run); see 'recon runs'")
        }
        try ReconcileJob.makeDirectory(directory)
        for file in outputs {
            let target = directory + "/" + file.name
            guard FileManager.default.createFile(atPath: target, contents: Data(file.content)) else {
                throw ReconError(.io, "\(target): cannot write the file")
            }
        }
        return outputs.map(\.name)
    }
}
