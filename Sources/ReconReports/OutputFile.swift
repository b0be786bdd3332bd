public import PaymentModels

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why an output could not be written (exit 74).
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

/// A buffered file writer: bytes accumulate in memory and go out in 1 MiB writes. Made with
/// `inMemory()`, it only accumulates: a writer formats parts of a report on several threads
/// that way, then appends them to the file in order (`append(_:)`).
///
/// The buffer is raw memory with one capacity check per field: appending byte by byte to an
/// array checked capacity and uniqueness per byte, and a 50k-row discrepancies file took
/// 80 ms that way.
public final class OutputFile {
    public let path: String
    private let file: UnsafeMutablePointer<FILE>?
    private var bytes: UnsafeMutablePointer<UInt8>
    private var capacity = 1 << 20
    private var count = 0
    /// Writes go out when this much is buffered.
    private static let flushBytes = 1 << 20

    public init(path: String) throws(OutputError) {
        self.path = path
        guard let file = fopen(path, "wb") else {
            throw OutputError(path: path, message: "cannot write: \(String(cString: strerror(errno)))")
        }
        self.file = file
        bytes = .allocate(capacity: capacity)
    }

    private init() {
        path = "<memory>"
        file = nil
        bytes = .allocate(capacity: capacity)
    }

    /// A buffer that is never flushed; its bytes go to a file with `append(_:)`.
    public static func inMemory() -> OutputFile { OutputFile() }

    deinit {
        if let file { fclose(file) }
        bytes.deallocate()
    }

    /// Room for `more` bytes after `count`.
    @inline(__always) private func reserve(_ more: Int) {
        guard count + more > capacity else { return }
        var bigger = capacity * 2
        while count + more > bigger { bigger *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        grown.update(from: bytes, count: count)
        bytes.deallocate()
        bytes = grown
        capacity = bigger
    }

    @inline(__always) private func put(_ byte: UInt8) {
        reserve(1)
        bytes[count] = byte
        count += 1
    }

    private func put(_ source: UnsafeBufferPointer<UInt8>) {
        reserve(source.count)
        (bytes + count).update(from: source.baseAddress!, count: source.count)
        count += source.count
    }

    public func write(_ text: String) throws(OutputError) {
        var text = text
        text.withUTF8 { if !$0.isEmpty { put($0) } }
        if count >= Self.flushBytes { try flush() }
    }

    /// Writes what an in-memory buffer holds, and empties it.
    public func append(_ part: OutputFile) throws(OutputError) {
        try flush()
        if part.count > 0 {
            try writeOut(part.bytes, part.count)
            part.count = 0
        }
    }

    // CSV rows written field by field straight into the buffer, quoting as `CSVFormat.field`
    // does: no string per amount or position, no array per row (a row per payment is possible)

    private var fieldsInRow = 0

    private func separate() {
        if fieldsInRow > 0 { put(0x2C) }
        fieldsInRow += 1
    }

    /// One text field, quoted when it holds a delimiter, quote or line break.
    public func csvField(_ text: String) {
        separate()
        var text = text
        text.withUTF8 { appendQuotedIfNeeded($0) }
    }

    private func appendQuotedIfNeeded(_ source: UnsafeBufferPointer<UInt8>) {
        guard !source.isEmpty else { return }
        guard CSVFormat.needsQuotes(source) else { return put(source) }
        reserve(2 * source.count + 2)
        bytes[count] = 0x22
        count += 1
        for byte in source {
            if byte == 0x22 {
                bytes[count] = 0x22
                count += 1
            }
            bytes[count] = byte
            count += 1
        }
        bytes[count] = 0x22
        count += 1
    }

    /// An amount in major units at `exponent` decimals (`-1.25`), or an empty field.
    public func csvField(minorUnits: Int64?, exponent: Int) {
        separate()
        guard let minorUnits else { return }
        if minorUnits < 0 { put(0x2D) }
        appendDigits(minorUnits.magnitude, pointAt: exponent)
    }

    /// `value` in decimal, with a point before its last `pointAt` digits (none when 0) and a
    /// leading zero where needed (`0.05`).
    private func appendDigits(_ value: UInt64, pointAt exponent: Int) {
        reserve(24 + max(exponent, 0))
        var digits = 1  // how many characters the number takes, point included
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        digits = max(digits, exponent + 1)
        if exponent > 0 { digits += 1 }
        var at = count + digits - 1
        var (remaining, written) = (value, 0)
        repeat {
            bytes[at] = UInt8(truncatingIfNeeded: remaining % 10) + 0x30
            at -= 1
            remaining /= 10
            written += 1
            if written == exponent {
                bytes[at] = 0x2E
                at -= 1
            }
        } while remaining > 0 || written <= exponent
        count += digits
    }

    /// `file:line` or `file:record N`, or an empty field.
    public func csvField(_ source: Provenance?) {
        separate()
        guard let source else { return }
        var quoted = false
        source.source.withPathUTF8 { name in
            quoted = CSVFormat.needsQuotes(name)
            guard quoted else { return put(name) }
            put(0x22)
            for byte in name {
                if byte == 0x22 { put(0x22) }
                put(byte)
            }
        }
        put(0x3A)  // file:line, or file:record N
        if source.locator == .line {
            appendDigits(UInt64(clamping: source.position.line), pointAt: 0)
        } else {
            "record ".utf8.withContiguousStorageIfAvailable { put($0) }
            appendDigits(UInt64(clamping: source.position.record), pointAt: 0)
        }
        if quoted { put(0x22) }
    }

    /// Ends the row of an in-memory buffer (which is never flushed, so cannot fail).
    func endCSVRowInMemory() {
        put(0x0A)
        fieldsInRow = 0
    }

    /// Ends the row.
    public func endCSVRow() throws(OutputError) {
        put(0x0A)
        fieldsInRow = 0
        if count >= Self.flushBytes { try flush() }
    }

    public func flush() throws(OutputError) {
        guard file != nil, count > 0 else { return }
        try writeOut(bytes, count)
        count = 0
    }

    private func writeOut(_ source: UnsafeMutablePointer<UInt8>, _ length: Int) throws(OutputError) {
        guard let file else { return }
        guard fwrite(source, 1, length, file) == length else {
            throw OutputError(path: path, message: "write failed: \(String(cString: strerror(errno)))")
        }
    }

    public func close() throws(OutputError) {
        try flush()
        guard let file else { return }
        guard fflush(file) == 0 else {
            throw OutputError(path: path, message: "write failed: \(String(cString: strerror(errno)))")
        }
    }
}
