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
/// A file is written under a temporary name in its folder (made with `mkstemp`, so never
/// through a planted link) and renamed into place by `close()`: a crash leaves no half report
/// under the report's name, and a link at that name is replaced, never followed.
public final class OutputFile {
    public let path: String
    private var file: UnsafeMutablePointer<FILE>?
    /// The temporary name the file is written under until `close()` renames it.
    private var temporary: String?
    /// Only this object touches it, one call at a time: the dynamic exclusivity checks a class
    /// property gets on every append showed in profiles of 50k-row reports.
    @exclusivity(unchecked) private var buffer: [UInt8] = []

    public init(path: String) throws(OutputError) {
        self.path = path
        var template = Array((path + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0, let file = fdopen(fd, "wb") else {
            if fd >= 0 { closeDescriptor(fd) }
            throw OutputError(path: path, message: "cannot write: \(String(cString: strerror(errno)))")
        }
        fchmod(fd, 0o644)
        temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        self.file = file
        buffer.reserveCapacity(1 << 20)
    }

    private init() {
        path = "<memory>"
        file = nil
    }

    /// A buffer that is never flushed; its bytes go to a file with `append(_:)`.
    public static func inMemory() -> OutputFile { OutputFile() }

    deinit {
        if let file { fclose(file) }
        if let temporary { unlink(temporary) }  // not closed: nothing replaces the report
    }

    /// Writes what an in-memory buffer holds, and empties it (each keeps its own storage).
    public func append(_ part: OutputFile) throws(OutputError) {
        try flush()
        swap(&buffer, &part.buffer)
        try flush()
        swap(&buffer, &part.buffer)
    }

    public func write(_ text: String) throws(OutputError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { try flush() }
    }

    // CSV rows written field by field straight into the buffer, quoting as `CSVFormat.field`
    // does: no string per amount or position, no array per row (a row per payment is possible)

    @exclusivity(unchecked) private var fieldsInRow = 0

    private func separate() {
        if fieldsInRow > 0 { buffer.append(0x2C) }
        fieldsInRow += 1
    }

    /// Text fields are written as they are (`--csv-raw`), not neutralized against formulas.
    public var rawText = false

    /// One text field, quoted when it holds a delimiter, quote or line break, and neutralized
    /// as `CSVFormat.text` says unless `rawText`.
    public func csvField(_ text: String) {
        separate()
        var text = !rawText && CSVFormat.startsLikeAFormula(text.utf8.first) ? "'" + text : text
        text.withUTF8 { appendQuotedIfNeeded($0) }
    }

    private func appendQuotedIfNeeded(_ bytes: UnsafeBufferPointer<UInt8>) {
        if CSVFormat.needsQuotes(bytes) {
            buffer.append(0x22)
            for byte in bytes {
                if byte == 0x22 { buffer.append(0x22) }
                buffer.append(byte)
            }
            buffer.append(0x22)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// An amount in major units at `exponent` decimals (`-1.25`), or an empty field.
    public func csvField(minorUnits: Int64?, exponent: Int) {
        separate()
        guard let minorUnits else { return }
        if minorUnits < 0 { buffer.append(0x2D) }
        appendDigits(minorUnits.magnitude, pointAt: exponent)
    }

    /// `value` in decimal, with a point before its last `pointAt` digits (none when 0) and a
    /// leading zero where needed (`0.05`).
    private func appendDigits(_ value: UInt64, pointAt exponent: Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { reversed in
            var (rest, count, n) = (value, 0, 0)
            repeat {
                reversed[n] = UInt8(truncatingIfNeeded: rest % 10) + 0x30
                n += 1
                rest /= 10
                count += 1
                if count == exponent {
                    reversed[n] = 0x2E
                    n += 1
                }
            } while rest > 0 || count <= exponent
            for k in stride(from: n - 1, through: 0, by: -1) { buffer.append(reversed[k]) }
        }
    }

    /// `file:line` or `file:record N`, or an empty field.
    public func csvField(_ source: Provenance?) {
        separate()
        guard let source else { return }
        var quoted = false
        source.source.withPathUTF8 { bytes in
            quoted = CSVFormat.needsQuotes(bytes)
            if quoted { buffer.append(0x22) }
            if !rawText && CSVFormat.startsLikeAFormula(bytes.first) { buffer.append(0x27) }
            for byte in bytes {
                if byte == 0x22 { buffer.append(0x22) }
                buffer.append(byte)
            }
        }
        buffer.append(0x3A)  // file:line, or file:record N
        if source.locator == .line {
            appendDigits(UInt64(clamping: source.position.line), pointAt: 0)
        } else {
            buffer.append(contentsOf: "record ".utf8)
            appendDigits(UInt64(clamping: source.position.record), pointAt: 0)
        }
        if quoted { buffer.append(0x22) }
    }

    /// Ends the row of an in-memory buffer (which is never flushed, so cannot fail).
    func endCSVRowInMemory() {
        buffer.append(0x0A)
        fieldsInRow = 0
    }

    /// Ends the row.
    public func endCSVRow() throws(OutputError) {
        buffer.append(0x0A)
        fieldsInRow = 0
        if buffer.count >= 1 << 20 { try flush() }
    }

    public func flush() throws(OutputError) {
        guard let file, !buffer.isEmpty else { return }
        let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let complete = written == buffer.count
        buffer.removeAll(keepingCapacity: true)
        guard complete else {
            throw OutputError(path: path, message: "write failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Writes what is left and renames the file into place.
    public func close() throws(OutputError) {
        try flush()
        guard let file, let temporary else { return }
        self.file = nil
        // renamed once complete; a killed process leaves a temporary file, never half a report
        let flushed = fflush(file) == 0
        let closed = fclose(file) == 0
        guard flushed, closed else {
            throw OutputError(path: path, message: "write failed: \(String(cString: strerror(errno)))")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw OutputError(path: path, message: "cannot put the report in place: \(reason)")
        }
        self.temporary = nil
    }
}

/// `close(2)`, out of `OutputFile`'s scope, where `close()` is the method.
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
