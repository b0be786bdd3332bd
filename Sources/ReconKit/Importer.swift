import Crypto
import Foundation
public import PaymentModels
import ReconIngest
public import ReconProviders
public import ReconStore

extension Timestamp {
    /// This moment, to the millisecond.
    public static var current: Timestamp {
        Timestamp(millisecondsSince1970: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }
}

/// `recon import payments|settlement PATH...`: normalizes files into the store, one
/// transaction per file. A file already imported (same SHA-256) changes nothing and says so.
public enum Importer {
    /// One line per file: what the import did.
    public static func run(
        _ paths: [String], side: ImportSide, storePath: String, forced: PaymentSystem?, profiles: [MappingProfile],
        report: (String) -> Void
    ) throws {
        let store: any Store
        do { store = try openStore(storePath) } catch { throw ReconError(.io, error.message) }
        let now = Timestamp.current.description
        for path in paths {
            let (outcome, _) = try importFile(
                path, side: side, store: store, importedAt: now, forced: forced, profiles: profiles, transaction: true)
            report("\(path): \(describe(outcome, side: side))")
        }
    }

    /// Imports one file (in its own transaction, or the caller's): its outcome and rejects.
    static func importFile(
        _ path: String, side: ImportSide, store: any Store, importedAt: String, forced: PaymentSystem?,
        profiles: [MappingProfile], transaction: Bool = false
    ) throws -> (ImportOutcome, [Reject]) {
        let hash = try sha256(path)
        var rejects: [Reject] = []
        // the file is parsed on its own thread while this one writes the store (`RecordPipe`);
        // a store may read it twice, so each read opens it
        let read: (any RecordSink) throws -> Void = { sink in
            let input = InputHandOver(input: try Inputs.open(path, encoding: MappingProfile.encoding(of: profiles)))
            try RecordPipe.run(
                read: { emit in
                    _ = try Inputs.rethrowingIO {
                        switch side {
                        case .payments:
                            return try PaymentSourceReader.read(
                                input.input, path: path, forced: forced, onPayment: { try emit.payment($0) },
                                onReject: { try emit.reject($0) })
                        case .settlement:
                            return try SettlementSourceReader.read(
                                input.input, path: path, profiles: profiles, onRecord: { try emit.record($0) },
                                onReject: { try emit.reject($0) })
                        }
                    }
                },
                consume: { batch in
                    try sink.add(batch.payments)
                    try sink.add(batch.records)
                    for reject in batch.rejects { try sink.reject(reject) }
                })
            rejects = sink.rejects
        }
        do {
            let outcome =
                transaction
                ? try store.importFile(side: side, path: path, sha256: hash, importedAt: importedAt, read: read)
                : try store.importInTransaction(
                    side: side, path: path, sha256: hash, importedAt: importedAt, read: read)
            return (outcome, rejects)
        } catch let error as StoreError {
            throw ReconError(.io, error.message)
        }
    }

    /// What an import did, for a person.
    static func describe(_ outcome: ImportOutcome, side: ImportSide = .payments) -> String {
        switch outcome {
        case .alreadyImported(let earlier, let at):
            return "already imported at \(at) (as \(earlier)); nothing changed"
        case .imported(let records, let added, let known, let rejected):
            return "\(records) \(side == .payments ? "payments" : "settlement records"), \(added) added, "
                + "\(known) already in the store, \(rejected) rejected"
        }
    }

    /// The SHA-256 of a file's bytes as they are (compressed files included), read in blocks.
    static func sha256(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ReconError(.io, "\(path): cannot open the file")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty { hasher.update(data: block) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// An opened file handed to the thread that reads it; no other thread touches it after.
private struct InputHandOver: @unchecked Sendable {
    let input: OpenedInput
}
