#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import PaymentModels

/// Why an output could not be written (exit 74).
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

/// A buffered file writer: bytes accumulate in memory and go out in 1 MiB writes.
public final class OutputFile {
    public let path: String
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: [UInt8] = []

    public init(path: String) throws(OutputError) {
        self.path = path
        guard let file = fopen(path, "wb") else {
            throw OutputError(path: path, message: "cannot write: \(String(cString: strerror(errno)))")
        }
        self.file = file
        buffer.reserveCapacity(1 << 20)
    }

    deinit { fclose(file) }

    public func write(_ text: String) throws(OutputError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { try flush() }
    }

    // CSV rows written field by field straight into the buffer, quoting as `CSVFormat.field`
    // does: no string per amount or position, no array per row (a row per payment is possible)

    private var fieldsInRow = 0

    private func separate() {
        if fieldsInRow > 0 { buffer.append(0x2C) }
        fieldsInRow += 1
    }

    /// One text field, quoted when it holds a delimiter, quote or line break.
    public func csvField(_ text: String) {
        separate()
        if CSVFormat.needsQuotes(text) {
            buffer.append(0x22)
            for byte in text.utf8 {
                if byte == 0x22 { buffer.append(0x22) }
                buffer.append(byte)
            }
            buffer.append(0x22)
        } else {
            buffer.append(contentsOf: text.utf8)
        }
    }

    /// An amount in major units at `exponent` decimals (`-1.25`), or an empty field.
    public func csvField(minorUnits: Int64?, exponent: Int) {
        separate()
        guard let minorUnits else { return }
        if minorUnits < 0 { buffer.append(0x2D) }
        var digits: (UInt64, Int) = (minorUnits.magnitude, 0)
        var reversed: [UInt8] = []
        reversed.reserveCapacity(24)
        repeat {
            reversed.append(UInt8(truncatingIfNeeded: digits.0 % 10) + 0x30)
            digits.0 /= 10
            digits.1 += 1
            if digits.1 == exponent { reversed.append(0x2E) }
        } while digits.0 > 0 || digits.1 <= exponent
        buffer.append(contentsOf: reversed.reversed())
    }

    /// `file:line` or `file:record N`, or an empty field.
    public func csvField(_ source: Provenance?) {
        guard let source else {
            separate()
            return
        }
        csvField(source.description)
    }

    /// Ends the row.
    public func endCSVRow() throws(OutputError) {
        buffer.append(0x0A)
        fieldsInRow = 0
        if buffer.count >= 1 << 20 { try flush() }
    }

    public func flush() throws(OutputError) {
        guard !buffer.isEmpty else { return }
        let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        buffer.removeAll(keepingCapacity: true)
        guard written > 0 || buffer.isEmpty else {
            throw OutputError(path: path, message: "write failed: \(String(cString: strerror(errno)))")
        }
    }

    public func close() throws(OutputError) {
        try flush()
        guard fflush(file) == 0 else {
            throw OutputError(path: path, message: "write failed: \(String(cString: strerror(errno)))")
        }
    }
}
