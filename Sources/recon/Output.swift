public import ArgumentParser
import PaymentModels
import ReconKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writing to the terminal and mapping failures to exit codes, in one place.
enum Output {
    /// Writes all of `text` to a descriptor; false when the reader went away (EPIPE).
    static func write(_ fd: Int32, _ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
    }

    /// Writes to stdout; a closed pipe ends the program quietly with status 0.
    static func out(_ text: String) {
        if !write(1, text) { exit(0) }
    }

    static func err(_ text: String) {
        _ = write(2, text)
    }

    /// Runs a command body: `ReconError`s print as `recon: <message>` and exit with their code.
    /// `say` writes the error line (`recon run --log-format json` writes it as JSON).
    static func guarded(say: ((String) -> Void)? = nil, _ body: () throws -> Int32) throws {
        let status: Int32
        do {
            status = try body()
        } catch let error as ReconError {
            if let say { say(error.message) } else { err("recon: \(error.message)\n") }
            throw ExitCode(error.code.rawValue)
        }
        if status != 0 { throw ExitCode(status) }
    }
}

/// Collects stdout in 1 MiB pieces (normalize prints a line per record).
final class BufferedOutput {
    private var buffer = ""

    func write(_ text: String) {
        buffer += text
        if buffer.utf8.count >= 1 << 20 { flush() }
    }

    func flush() {
        Output.out(buffer)
        buffer = ""
    }
}

extension PaymentSystem: ExpressibleByArgument {}
