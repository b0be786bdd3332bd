import Foundation
import PaymentModels
import ReconIngest
import ReconKit
import ReconProviders

/// One input through everything recon reads: `inspect` end to end (every format, as created
/// payments and as settlement), the readers directly (JSON, CSV, gzip, XML, text conversion),
/// a mapping profile, a rules file and a nightly config in YAML, and the money, rate and date
/// parsers. Any input must end in records, rejects or a thrown error: never a trap, a hang or a
/// sanitizer report. The same bytes are fed whole to each part.
func exercise(_ bytes: [UInt8]) {
    _ = Inspector.inspect(bytes: bytes, name: "fuzz")
    exerciseReaders(bytes)
    let text = String(decoding: bytes, as: UTF8.self)
    _ = try? MappingProfile.parse(text, file: "fuzz.yaml")
    _ = try? RulesConfig.parse(text, file: "fuzz.yaml")
    _ = try? JobConfig.parse(text, file: "fuzz.yaml")
    for code in ["USD", "JPY", "KWD"] {
        _ = try? AmountParser.parseMajor(text, currency: Currency(code: code)!)
    }
    _ = try? AmountParser.parseMinor(text)
    _ = try? ExchangeRate(parsing: text)
    _ = try? Timestamp(parsing: text)
    _ = try? Asset(parsing: text)
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
