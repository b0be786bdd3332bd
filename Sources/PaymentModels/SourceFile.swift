import Dispatch

/// An input file's name, registered once per process and then carried as a number.
///
/// Every record's provenance names its file. Held as a `String`, that was 16 bytes per record
/// and a reference count on one shared path string for every record made, copied or written
/// to a report, from several threads at once (the count's cache line moved between cores).
/// A `SourceFile` is 4 bytes and has no reference count; readers make one per file and stamp
/// it on each record.
public struct SourceFile: Hashable, Sendable, Comparable, BitwiseCopyable {
    let id: UInt32

    /// The file named `path`, registered on first use (a lookup under a lock: once per file,
    /// not per record).
    public init(_ path: String) {
        id = SourceFileNames.shared.id(for: path)
    }

    public var path: String { SourceFileNames.shared.entry(id).path }

    /// The path's UTF-8 bytes, without touching a reference count (for report writers).
    public func withPathUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(SourceFileNames.shared.entry(id).bytes)
    }

    /// The same bytes, which live as long as the process: safe to keep (a store binds them
    /// without a copy).
    public var pathUTF8: UnsafeBufferPointer<UInt8> { SourceFileNames.shared.entry(id).bytes }

    public static func < (lhs: SourceFile, rhs: SourceFile) -> Bool { lhs.path < rhs.path }
}

/// The process's file names: appended under a lock, read without one. Entries live in pages
/// that never move and are never freed (a run names a handful of files), so an id handed out
/// under the lock can be read from any thread that received it.
final class SourceFileNames: @unchecked Sendable {
    static let shared = SourceFileNames()

    struct Entry {
        let path: String
        /// A copy of the path's bytes that lives as long as the process.
        let bytes: UnsafeBufferPointer<UInt8>
    }

    private static let pageShift = 10
    private static let pageCount = 1 << 16
    private let pages: UnsafeMutablePointer<UnsafeMutablePointer<Entry>?>
    private var ids: [String: UInt32] = [:]
    private var count = 0
    private let queue = DispatchQueue(label: "recon.source-file-names")

    private init() {
        pages = .allocate(capacity: Self.pageCount)
        pages.initialize(repeating: nil, count: Self.pageCount)
    }

    func id(for path: String) -> UInt32 {
        queue.sync {
            if let id = ids[path] { return id }
            precondition(count < Self.pageCount << Self.pageShift, "more input files than recon names")
            let page = count >> Self.pageShift
            if pages[page] == nil { pages[page] = .allocate(capacity: 1 << Self.pageShift) }
            let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: path.utf8.count)
            _ = bytes.initialize(from: path.utf8)
            (pages[page]! + (count & (1 << Self.pageShift - 1))).initialize(
                to: Entry(path: path, bytes: UnsafeBufferPointer(bytes)))
            let id = UInt32(count)
            ids[path] = id
            count += 1
            return id
        }
    }

    func entry(_ id: UInt32) -> Entry {
        pages[Int(id) >> Self.pageShift]![Int(id) & (1 << Self.pageShift - 1)]
    }
}
