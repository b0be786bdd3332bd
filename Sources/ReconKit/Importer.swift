import Crypto
import Foundation
public import PaymentModels
public import ReconIngest
public import ReconProviders
import ReconReports
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
    /// One line per file: what the import did. The exit status: 0, or 1 when records were
    /// rejected (they are kept in the store with their reasons).
    public static func run(
        _ paths: [String], side: ImportSide, storePath: String, forced: PaymentSystem?, profiles: [MappingProfile],
        encoding: TextEncoding? = nil, partial: Bool = false, meter: ReadMeter? = nil, report: (String) -> Void,
        warn: (String) -> Void = { _ in }
    ) throws -> Int32 {
        let store: any Store
        do { store = try openStore(storePath) } catch { throw ReconError(store: error) }
        let now = Timestamp.current.description
        var status = ExitStatus.clean
        for path in paths {
            let (outcome, rejects, guessed, _) = try importFile(
                path, side: side, store: store, importedAt: now, forced: forced, profiles: profiles,
                encoding: encoding, transaction: true, partial: partial, meter: meter)
            report("\(path): \(describe(outcome, side: side))")
            if let warning = guessed?.encodingWarning { warn(warning) }
            if !rejects.isEmpty { status = ExitStatus.discrepancies }
        }
        return status
    }

    /// A file that ended damaged: with `--partial` its good part is kept, else nothing is.
    struct Damaged: Error {
        var message: String
    }

    /// Imports one file (in its own transaction, or the caller's): its outcome, its rejects, when
    /// its encoding was a guess the file's summary saying so, and the SHA-256 of its bytes.
    static func importFile(
        _ path: String, side: ImportSide, store: any Store, importedAt: String, forced: PaymentSystem?,
        profiles: [MappingProfile], encoding: TextEncoding? = nil, transaction: Bool = false, partial: Bool = false,
        meter: ReadMeter? = nil
    ) throws -> (ImportOutcome, [Reject], InputSummary?, sha256: String) {
        // stdin and pipes are read once: into a temporary file, hashed on the way
        let spool = try Spool(path)
        let source = spool?.path ?? path
        let whole = try spool?.hash ?? sha256(path)
        // a partial import is recorded apart from the whole file's: the whole file, imported
        // later, is not taken as done
        let hash = partial ? "partial:" + whole : whole
        var rejects: [Reject] = []
        var guessed: InputSummary?
        // the file is parsed on its own thread while this one writes the store (`RecordPipe`);
        // a store may read it twice, so each read opens it
        let read: (any RecordSink) throws -> Void = { sink in
            let input = InputHandOver(
                input: try Inputs.open(source, encoding: Inputs.encoding(encoding, profiles), meter: meter))
            let damage = DamageNote()
            try RecordPipe.run(
                read: { emit in
                    let stats = try Inputs.rethrowingIO {
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
                    damage.message = stats.fatalError
                    if Inputs.encodingGuessed(input.input, stats) {
                        damage.guessed = Inputs.summary(
                            side == .payments ? .payments : .settlement, path, input.input, stats)
                    }
                },
                consume: { batch in
                    meter?.add(records: batch.count)
                    try sink.add(batch.payments)
                    try sink.add(batch.records)
                    for reject in batch.rejects { try sink.reject(reject) }
                })
            // a file that ends damaged (cut gzip or JSON, bad CRC): nothing of it is kept,
            // unless --partial asks for the good part
            if let message = damage.message, !partial { throw Damaged(message: message) }
            rejects = sink.rejects
            guessed = damage.guessed
        }
        do {
            let outcome =
                transaction
                ? try store.importFile(side: side, path: path, sha256: hash, importedAt: importedAt, read: read)
                : try store.importInTransaction(
                    side: side, path: path, sha256: hash, importedAt: importedAt, read: read)
            return (outcome, rejects, guessed, whole)
        } catch let error as StoreError {
            throw ReconError(store: error)
        } catch let error as Damaged {
            throw ReconError(
                .dataUnusable,
                "\(path): \(error.message); nothing of the file was imported (--partial keeps the records before "
                    + "the damage, recorded as a partial import)")
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

    /// A digest as lower-case hex.
    static func hex(_ digest: some Sequence<UInt8>) -> String { digest.map { String(format: "%02x", $0) }.joined() }

    /// The SHA-256 of a file's bytes as they are (compressed files included), read in blocks.
    static func sha256(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ReconError(.io, "\(path): cannot open the file")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty { hasher.update(data: block) }
        return hex(hasher.finalize())
    }
}

/// What the reading thread learnt of the file's end, read by the importing thread after the
/// reading thread is done (RecordPipe joins it).
private final class DamageNote: @unchecked Sendable {
    var message: String?
    /// The file's summary when its encoding was a guess.
    var guessed: InputSummary?
}

/// Standard input or a pipe, copied once into a temporary file (hashed while copied) so the
/// import can hash it and a store can read it twice; nil for regular files, read in place.
private final class Spool {
    let path: String
    let hash: String

    init?(_ original: String) throws {
        var info = stat()
        let isPipe = original != "-" && stat(original, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO
        guard original == "-" || isPipe else { return nil }
        let input = original == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: original)
        guard let input else { throw ReconError(.io, "\(original): cannot open the file") }
        let temporary = NSTemporaryDirectory() + "recon-import-\(getpid())-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
            let output = FileHandle(forWritingAtPath: temporary)
        else { throw ReconError(.io, "\(temporary): cannot spool \(original)") }
        var hasher = SHA256()
        while let block = try input.read(upToCount: 1 << 20), !block.isEmpty {
            hasher.update(data: block)
            try output.write(contentsOf: block)
        }
        try output.close()
        path = temporary
        hash = Importer.hex(hasher.finalize())
    }

    deinit { unlink(path) }
}

/// An opened file handed to the thread that reads it; no other thread touches it after.
private struct InputHandOver: @unchecked Sendable {
    let input: OpenedInput
}
