/// RFC 4180 quoting for the CSV files recon writes.
public enum CSVFormat {
    /// The field, quoted when it holds a delimiter, quote or line break, with quotes doubled.
    /// Amounts (`-1.25`) go through here as they are; text goes through `text`.
    public static func field(_ value: String) -> String {
        guard needsQuotes(value) else { return value }
        var quoted = "\""
        for character in value.unicodeScalars {
            if character == "\"" { quoted += "\"\"" } else { quoted.unicodeScalars.append(character) }
        }
        return quoted + "\""
    }

    /// True when the field holds a delimiter, quote or line break (the one quoting rule).
    @inline(__always)
    public static func needsQuotes(_ value: String) -> Bool {
        var value = value
        return value.withUTF8(needsQuotes)
    }

    public static func needsQuotes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D { return true }
        return false
    }

    /// A text cell (a key, an id, a reason, a raw row, a path): one that begins with `=`, `+`,
    /// `-`, `@`, a tab or a carriage return gets a leading apostrophe, so a spreadsheet shows it
    /// instead of running it as a formula (OWASP's CSV injection advice); `raw` keeps it as is
    /// for machine readers (`--csv-raw`).
    public static func text(_ value: String, raw: Bool = false) -> String {
        field(raw || !startsLikeAFormula(value.utf8.first) ? value : "'" + value)
    }

    @inline(__always)
    public static func startsLikeAFormula(_ byte: UInt8?) -> Bool {
        byte == 0x3D || byte == 0x2B || byte == 0x2D || byte == 0x40 || byte == 0x09 || byte == 0x0D
    }

    public static func row(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }
}
