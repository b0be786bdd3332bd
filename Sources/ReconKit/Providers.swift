import PaymentModels
import ReconProviders

/// `recon providers`: the adapters and the formats each reads.
public enum ProviderListing {
    public static func text() -> String {
        var out = "Created payments (JSON Lines, JSON array, or {\"data\":[...]} envelopes; detected per record):\n"
        for adapter in PaymentAdapters.all {
            out += "  \(adapter.system.rawValue.padding(14))\(adapter.shapes)\n"
        }
        out += "\nSettlement exports and bank statements (recognized by their content):\n"
        for format in SettlementLayouts.all {
            out += "  \(format.name.padding(22))\(format.description)\n"
        }
        out += "\nAny input may be gzip-compressed (detected by its magic bytes) or '-' for stdin; text in\n"
        out += "UTF-8 (with or without BOM), UTF-16 (with BOM), GB18030/GBK or Windows-1252 is converted.\n"
        return out
    }
}

extension ProviderListing {
    /// A built-in table layout as a profile (YAML).
    public static func profile(_ name: String) throws -> String {
        guard let table = SettlementLayouts.table(named: name) else {
            let names = SettlementLayouts.all.map(\.name).joined(separator: ", ")
            throw ReconError(.usage, "no built-in CSV layout named '\(name)' (layouts: \(names))")
        }
        return table.yaml
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
