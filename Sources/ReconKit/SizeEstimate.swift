import ReconIngest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Guesses how many records a file holds, so the record arrays are sized once.
///
/// Growing an array of a million records by doubling copies it about twice and, because
/// large blocks come from fresh pages, faults every page in again each time: measured, that
/// was a fifth of a 1M-payment run. The guess is the (uncompressed) size divided by the
/// average line length of the sniffed head, and is only made for one-record-per-line text.
enum SizeEstimate {
    /// Lines shorter than this on average mean pretty-printed JSON, where lines are not records.
    static let lineBytesMin = 40
    static let recordsMax = 50_000_000

    static func records(_ path: String, _ input: OpenedInput) -> Int {
        guard path != "-", !input.head.isEmpty else { return 0 }
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        var bytes = Int(info.st_size)
        if input.container == .gzip {
            // gzip's trailer holds the last member's size mod 2^32; text compresses about 3-6x.
            // The trailer is the file's word, not a fact (a cut file ends in any 4 bytes): it is
            // believed only up to 20 times the compressed size
            bytes = max(bytes * 3, min(gzipTrailerSize(path) ?? 0, bytes * 20))
        }
        let newlines = input.head.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        guard newlines > 0 else { return 0 }
        let lineBytes = input.head.count / newlines
        guard lineBytes >= lineBytesMin else { return 0 }
        // a quarter more than the guess: capacity never touched costs no memory, while a
        // guess 1% short would copy the whole array into one twice its size
        return min(recordsMax, bytes / lineBytes * 5 / 4 + 16)
    }

    static func gzipTrailerSize(_ path: String) -> Int? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var trailer = [UInt8](repeating: 0, count: 4)
        let end = lseek(fd, -4, SEEK_END)
        guard end >= 0, read(fd, &trailer, 4) == 4 else { return nil }
        return Int(trailer[0]) | Int(trailer[1]) << 8 | Int(trailer[2]) << 16 | Int(trailer[3]) << 24
    }
}
