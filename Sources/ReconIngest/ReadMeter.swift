import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// How far a command has read: the bytes of its input files read so far (as stored: a gzip file's
/// compressed bytes) against their total, the records read, and what it is doing. Written by
/// the reading threads, read by the progress line (`recon import`, `reconcile`, `run` on a
/// terminal); counters only, so reading never waits for it.
public final class ReadMeter: Sendable {
    private let bytes = Atomic<Int64>(0)
    private let total = Atomic<Int64>(0)
    private let records = Atomic<Int64>(0)
    private let phase = Mutex("reading")

    public init() {}

    public func add(bytes n: Int) { bytes.add(Int64(n), ordering: .relaxed) }
    public func add(records n: Int) { records.add(Int64(n), ordering: .relaxed) }

    /// A file to be read, by its size on disk (nothing for stdin and pipes).
    public func expect(path: String) {
        var info = stat()
        guard path != "-", stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return }
        total.add(Int64(info.st_size), ordering: .relaxed)
    }

    public func enter(_ what: String) { phase.withLock { $0 = what } }

    public struct Reading: Sendable {
        public var bytes: Int64
        /// 0 when unknown (stdin).
        public var total: Int64
        public var records: Int64
        public var phase: String
    }

    public var reading: Reading {
        Reading(
            bytes: bytes.load(ordering: .relaxed), total: total.load(ordering: .relaxed),
            records: records.load(ordering: .relaxed), phase: phase.withLock { $0 })
    }
}

/// A source that counts what it reads into a meter.
final class MeteredByteSource: ByteSource {
    private let base: any ByteSource
    private let meter: ReadMeter

    init(base: any ByteSource, meter: ReadMeter) {
        self.base = base
        self.meter = meter
    }

    var name: String { base.name }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        let n = try base.read(into: buffer)
        meter.add(bytes: n)
        return n
    }
}

extension ByteSource {
    /// This source, counted into `meter` when there is one.
    public func metered(_ meter: ReadMeter?) -> any ByteSource {
        guard let meter else { return self }
        return MeteredByteSource(base: self, meter: meter)
    }
}
