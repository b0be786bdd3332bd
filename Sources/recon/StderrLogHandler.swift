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
        let line: String
        switch format {
        case .text:
            let extra = fields.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
            let level = event.level == .info || event.level == .notice ? "" : "\(event.level): "
            line = "recon: \(level)\(event.message)\(extra)\n"
        case .json:
            var object: [String: String] = [
                "time": ISO8601DateFormatter().string(from: Date()), "level": "\(event.level)",
                "message": "\(event.message)", "logger": label,
            ]
            for (key, value) in fields { object[key] = "\(value)" }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            line = String(decoding: data, as: UTF8.self) + "\n"
        }
        Output.err(line)
    }
}
