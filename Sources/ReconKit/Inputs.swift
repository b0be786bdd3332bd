import Foundation
import PaymentModels
import ReconIngest
import ReconMatching
public import ReconProviders
import ReconReports

/// Everything read from one side's inputs.
struct SideInput<Record> {
    var records: [Record] = []
    var rejects: [Reject] = []
    var summaries: [InputSummary] = []
}

/// Stops a read at the first reject (`--strict`).
struct StrictStop: Error {
    let reject: Reject
}

/// Reads inputs with the right reader, turning open failures into exit-74 errors.
public enum Inputs {
    static func open(_ path: String, encoding: TextEncoding? = nil, meter: ReadMeter? = nil) throws -> OpenedInput {
        do {
            let input = try InputOpener.open(path, encoding: encoding, meter: meter)
            // an empty file is a delivery that went wrong, never a quiet night with nothing in it
            // (a compressed file whose content ends at once is its reader's to judge: it may be cut)
            guard !input.head.isEmpty || input.container != .plain else {
                // text that cannot be converted from its first byte is said as such
                let probe = UnsafeMutableRawBufferPointer.allocate(byteCount: 1, alignment: 1)
                defer { probe.deallocate() }
                _ = try input.source.read(into: probe)
                throw ReconError(.dataUnusable, "\(path): the file is empty")
            }
            return input
        } catch let error as ReconError {
            throw error
        } catch let error as IngestError {
            throw error.code == .io
                ? ReconError(.io, "\(error.file): \(error.message)")
                : ReconError(.dataUnusable, error.description)
        }
    }

    /// Reads created payments into `builder`, which indexes them on its own thread as they come.
    static func readPayments(
        _ paths: [String], forced: PaymentSystem?, strict: Bool, into builder: KeyIndexBuilder, meter: ReadMeter? = nil
    ) throws -> SideInput<Payment> {
        try readSide(paths, .payments, strict: strict, store: builder.append, meter: meter) {
            input, path, onRecord, onReject in
            builder.expect(payments: SizeEstimate.records(path, input))
            return try PaymentSourceReader.read(
                input, path: path, forced: forced, onPayment: onRecord, onReject: onReject)
        }
    }

    /// Reads settlement lines into `records`, or into `store` when one is given.
    static func readSettlement(
        _ paths: [String], strict: Bool, profiles: [MappingProfile] = [], encoding: TextEncoding? = nil,
        meter: ReadMeter? = nil, store: ((consuming SettlementRecord) -> Void)? = nil
    ) throws -> SideInput<SettlementRecord> {
        try readSide(
            paths, .settlement, strict: strict, store: store, encoding: Inputs.encoding(encoding, profiles),
            meter: meter
        ) {
            input, path, onRecord, onReject in
            try SettlementSourceReader.read(
                input, path: path, profiles: profiles, onRecord: onRecord, onReject: onReject)
        }
    }

    /// Bank statements (camt.053/054, or any settlement format) for the payout tie-out.
    static func readBank(_ paths: [String], strict: Bool, meter: ReadMeter? = nil) throws -> SideInput<SettlementRecord>
    {
        try readSide(paths, .bank, strict: strict, store: nil, meter: meter) { input, path, onRecord, onReject in
            try SettlementSourceReader.read(input, path: path, onRecord: onRecord, onReject: onReject)
        }
    }

    /// The encoding to read files in: the one given (`--encoding`), else the profiles' own.
    static func encoding(_ given: TextEncoding?, _ profiles: [MappingProfile]) -> TextEncoding? {
        given ?? MappingProfile.encoding(of: profiles)
    }

    /// Whether a file's encoding is still a guess once read: not when the formats that read it
    /// are always written in the encoding guessed (Alipay's bills and GBK).
    static func encodingGuessed(_ input: OpenedInput, _ stats: SourceStats) -> Bool {
        guard input.encodingGuessed, stats.declaredEncoding != input.encoding else { return false }
        let known = stats.adapters.keys.map { SettlementFormats.named($0)?.knownEncoding }
        return known.isEmpty || known.contains { $0 != input.encoding }
    }

    /// A mapping profile for the command line: a bad one is a usage error naming the key.
    public static func loadProfile(_ path: String) throws -> MappingProfile {
        do {
            return try MappingProfile.load(path: path)
        } catch {
            throw ReconError(.usage, error.description)
        }
    }

    /// The same file given as created payments and as settlement (or bank) is a mistake of the
    /// command line, refused before anything is read (64): it would reconcile against itself.
    static func refuseSameFile(_ options: ReconcileOptions) throws {
        func real(_ path: String) -> String? {
            guard path != "-", let resolved = realpath(path, nil) else { return nil }
            defer { free(resolved) }
            return String(cString: resolved)
        }
        let payments = Dictionary(options.payments.compactMap { p in real(p).map { ($0, p) } }) { a, _ in a }
        for other in options.settlement + (options.bank ?? []) {
            if let resolved = real(other), let given = payments[resolved] {
                throw ReconError(
                    .usage, "\(other) is given as settlement and as created payments (\(given)); give each file once")
            }
        }
    }

    /// Mapping profiles from files and folders (every `.yaml`/`.yml` in a folder, by name).
    public static func loadProfiles(_ paths: [String]) throws -> [MappingProfile] {
        var files: [String] = []
        for path in paths {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                let yaml = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                files += yaml.map { path + "/" + $0 }
            } else {
                files.append(path)
            }
        }
        return try files.map(loadProfile)
    }

    /// Reads one side's files in order with `reader`, collecting records (into `store`, or
    /// `records` when it is nil), rejects (or stopping at the first in strict mode) and a
    /// summary per file.
    static func readSide<Record>(
        _ paths: [String], _ role: InputSummary.Role, strict: Bool, store: ((consuming Record) -> Void)?,
        encoding: TextEncoding? = nil, meter: ReadMeter? = nil,
        reader: (OpenedInput, String, (consuming Record) throws -> Void, (Reject) throws -> Void) throws -> SourceStats
    ) throws -> SideInput<Record> {
        var side = SideInput<Record>()
        // records are counted for the progress line a thousand at a time
        var uncounted = 0
        defer { meter?.add(records: uncounted) }
        for path in paths {
            let input = try open(path, encoding: encoding, meter: meter)
            if store == nil {
                side.records.reserveCapacity(side.records.count + SizeEstimate.records(path, input))
            }
            var rejects: [Reject] = []
            let stats = try rethrowingIO {
                try reader(
                    input, path,
                    { record in
                        // moved, not copied: a copy retained and released every string of a record
                        if let store { store(consume record) } else { side.records.append(consume record) }
                        uncounted += 1
                        if uncounted == 1024, let meter {
                            meter.add(records: uncounted)
                            uncounted = 0
                        }
                    },
                    { reject in
                        if strict { throw StrictStop(reject: reject) }
                        rejects.append(reject)
                    })
            }
            side.rejects += rejects
            side.summaries.append(summary(role, path, input, stats))
        }
        return side
    }

    static func summary(
        _ role: InputSummary.Role, _ path: String, _ input: OpenedInput, _ stats: SourceStats
    ) -> InputSummary {
        var summary = InputSummary(
            role: role, path: path, container: input.container.rawValue, format: stats.format,
            provider: stats.providerList, records: stats.records, rejected: stats.rejected,
            fatalError: stats.fatalError)
        summary.encoding = input.encoding.rawValue
        summary.encodingGuessed = encodingGuessed(input, stats)
        return summary
    }

    /// Maps reader failures onto exit codes: I/O is 74, a strict stop is 65.
    static func rethrowingIO<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let stop as StrictStop {
            throw ReconError(.dataUnusable, stop.reject.message)
        } catch let error as IngestError where error.code == .io {
            throw ReconError(.io, "\(error.file): \(error.message)")
        } catch let error as IngestError {
            throw ReconError(.dataUnusable, error.description)
        }
    }
}
