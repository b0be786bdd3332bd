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
