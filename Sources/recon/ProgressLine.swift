import ArgumentParser
import Foundation
import PaymentModels
import ReconIngest
import Synchronization

/// `--progress` and `--quiet`, for the commands that read large files.
struct ProgressOptions: ParsableArguments {
    @Flag(name: .long, help: "Show the progress line even when stderr is not a terminal.")
    var progress = false

    @Flag(name: .long, help: "Print errors only: no progress line, summary or warnings.")
    var quiet = false

    /// The progress line, when one is to be shown: on a terminal unless --quiet, or --progress.
    func start() -> ProgressLine? {
        guard progress || (!quiet && isatty(2) == 1) else { return nil }
        return ProgressLine()
    }
}

/// The progress line on stderr: what recon is doing, the records read, the bytes read of the
/// files' size, the speed, the time taken and, while reading, the time left. Redrawn four times
/// a second on its own thread from the meter's counters; cleared when the work is done.
final class ProgressLine: Sendable {
    let meter = ReadMeter()
    private let stopped = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)
    private let started = Date()

    init() {
        Thread.detachNewThread { [self] in
            while !stopped.load(ordering: .relaxed) {
                Output.err("\r\u{1B}[K" + Self.render(meter.reading, seconds: Date().timeIntervalSince(started)))
                usleep(250_000)
            }
            Output.err("\r\u{1B}[K")
            done.signal()
        }
    }

    /// Stops and clears the line (before the summary is written).
    func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        done.wait()
    }

    static func render(_ r: ReadMeter.Reading, seconds: Double) -> String {
        let mb = { (bytes: Int64) in String(format: "%.1f", Double(bytes) / 1e6) }
        var parts = ["recon: \(r.phase)", "\(MinorUnits.grouped(r.records, exponent: 0)) records"]
        parts.append(r.total > 0 ? "\(mb(r.bytes)) of \(mb(r.total)) MB" : "\(mb(r.bytes)) MB")
        let rate = seconds > 0 ? Double(r.bytes) / 1e6 / seconds : 0
        parts.append(String(format: "%.0f MB/s", rate))
        var time = "\(clock(seconds)) elapsed"
        if r.phase == "reading", r.total > r.bytes, rate > 0 {
            time += ", about \(clock(Double(r.total - r.bytes) / 1e6 / rate)) left"
        }
        parts.append(time)
        return parts.joined(separator: " · ")
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600
            ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
