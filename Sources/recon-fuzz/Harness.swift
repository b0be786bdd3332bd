import Foundation
import PaymentModels
import ReconIngest
import ReconKit
import ReconProviders

/// The fuzz harnesses, one per part recon reads with; `RECON_FUZZ_HARNESS` picks one (the
/// script runs each in turn), unset runs them all on every input. Any input must end in
/// records, rejects or a thrown error: never a trap, a hang or a sanitizer report.
enum Harness: String, CaseIterable {
    /// `inspect` end to end: every format, as created payments and as settlement
    case inspect
    case json, csv, gzip, zip, xml
    /// the bank statement readers (MT940, BAI2, OFX, Norma 43), each given the bytes whatever
    /// they look like
    case bank
    /// text conversion from GB18030 and UTF-16
    case text
    /// mapping profiles, rules and nightly configs in YAML
    case yaml
    /// the money, rate, date and asset parsers
    case parsers

    /// The harnesses this process runs, from the environment (read once).
    static let chosen: [Harness] = {
        guard let name = ProcessInfo.processInfo.environment["RECON_FUZZ_HARNESS"], !name.isEmpty else {
            return allCases
        }
        guard let one = Harness(rawValue: name) else {
            fatalError("RECON_FUZZ_HARNESS=\(name): not one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return [one]
    }()

    func run(_ bytes: [UInt8]) {
        switch self {
        case .inspect: _ = Inspector.inspect(bytes: bytes, name: "fuzz")
        case .json: exerciseJSON(bytes)
        case .csv: exerciseCSV(bytes)
        case .gzip: exerciseGzip(bytes)
        case .zip: exerciseZip(bytes)
        case .xml: exerciseXML(bytes)
        case .bank: exerciseBank(bytes)
        case .text: exerciseText(bytes)
        case .yaml:
            let text = String(decoding: bytes, as: UTF8.self)
            _ = try? MappingProfile.parse(text, file: "fuzz.yaml")
            _ = try? RulesConfig.parse(text, file: "fuzz.yaml")
            _ = try? JobConfig.parse(text, file: "fuzz.yaml")
        case .parsers:
            let text = String(decoding: bytes, as: UTF8.self)
            for code in ["USD", "JPY", "KWD"] {
                _ = try? AmountParser.parseMajor(text, currency: Currency(code: code)!)
            }
            _ = try? AmountParser.parseMinor(text)
            _ = try? ExchangeRate(parsing: text)
            _ = try? Timestamp(parsing: text)
            _ = try? Asset(parsing: text)
        }
    }
}

func exercise(_ bytes: [UInt8]) {
    for harness in Harness.chosen { harness.run(bytes) }
}

#if FUZZING
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
        exercise(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
#else
    /// Without libFuzzer (a plain build), the same harness replays files: the fuzz corpus and
    /// crashing inputs kept as regression cases. `recon-fuzz FILE...`
    @main struct Replay {
        static func main() {
            var count = 0
            for path in CommandLine.arguments.dropFirst() {
                guard let data = FileManager.default.contents(atPath: path) else { continue }
                exercise(Array(data))
                count += 1
            }
            print("recon-fuzz: \(count) inputs replayed")
        }
    }
#endif
