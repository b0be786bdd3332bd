import PaymentModels
import ReconIngest
import ReconProviders

/// `recon providers`: the adapters and the formats each reads.
public enum ProviderListing {
    public static func text() -> String {
        var out = "Created payments (JSON Lines, JSON array, or {\"data\":[...]} envelopes; detected per record):\n"
        for adapter in PaymentAdapters.all {
            out += "  \(adapter.system.rawValue.padding(14))\(adapter.shapes)\n"
        }
        out += "\nSettlement exports and bank statements (recognized by their content):\n"
        for format in SettlementFormats.all {
            out += "  \(format.name.padding(22))\(format.description)\n"
        }
        out += "\nAny input may be gzip-compressed (detected by its magic bytes) or '-' for stdin; text in\n"
        out += "UTF-8 (with or without BOM), UTF-16 (with BOM), GB18030/GBK, Windows-1252 or IBM 852 is converted\n"
        out += "(--encoding names it; otherwise a guess, said as a warning).\n"
        return out
    }
}

extension ProviderListing {
    /// A settlement format as a person can start a profile from: a built-in CSV layout as the
    /// profile (YAML) that reads it; a format read by code as what it reads, in comments.
    public static func profile(_ name: String) throws -> String {
        guard let format = SettlementFormats.named(name) else {
            let names = SettlementFormats.all.map(\.name).joined(separator: ", ")
            throw ReconError(.usage, "no settlement format named '\(name)' (formats: \(names))")
        }
        if let layout = format.layout { return layout.yaml }
        return """
            # \(format.name): \(format.description)
            # Read by recon's own \(format.content.rawValue.uppercased()) reader, recognized by its content: use it as
            # it is (no profile needed). A variant it does not read can be described by a profile;
            # see docs/PROFILES.md and the examples in samples/profiles/.

            """
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
