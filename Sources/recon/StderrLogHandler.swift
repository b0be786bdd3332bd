import Foundation
import Logging

/// swift-log's handler for recon: one line per message on stderr, as text
/// (`recon: warning: ...`) or as JSON for log collectors (`{"time":...,"level":...}`).
struct StderrLogHandler: LogHandler {
    enum Format: String, CaseIterable, Sendable { case text, json }

    let label: String
    let format: Format
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = metadata.merging(event.metadata ?? [:]) { $1 }
        Output.err(Self.line(format, level: event.level, "\(event.message)", fields: fields, label: label))
    }

    /// One line of the log, as text or JSON: also the summary and error lines of `recon run`,
    /// which are written whatever the level, so that with `--log-format json` every line is JSON.
    static func line(
        _ format: Format, level: Logger.Level, _ message: String, fields: Logger.Metadata = [:], label: String = "recon"
    ) -> String {
        switch format {
        case .text:
            let extra = fields.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
            let prefix = level == .info || level == .notice ? "" : "\(level): "
            return "recon: \(prefix)\(message)\(extra)\n"
        case .json:
            var object: [String: String] = [
                "time": ISO8601DateFormatter().string(from: Date()), "level": "\(level)", "message": message,
                "logger": label,
            ]
            for (key, value) in fields { object[key] = "\(value)" }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return String(decoding: data, as: UTF8.self) + "\n"
        }
    }
}
