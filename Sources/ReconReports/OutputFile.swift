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

    /// Appends one CSV row, quoting fields as `CSVFormat.field` does, straight into the buffer
    /// (no intermediate strings: the discrepancy file can have a row per payment).
    public func writeCSVRow(_ fields: String...) throws(OutputError) {
        for (i, field) in fields.enumerated() {
            if i > 0 { buffer.append(0x2C) }
            let needsQuotes = field.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
            if needsQuotes {
                buffer.append(0x22)
                for byte in field.utf8 {
                    if byte == 0x22 { buffer.append(0x22) }
                    buffer.append(byte)
                }
                buffer.append(0x22)
            } else {
                buffer.append(contentsOf: field.utf8)
            }
        }
        buffer.append(0x0A)
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
