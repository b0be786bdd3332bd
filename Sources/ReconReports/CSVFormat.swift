/// RFC 4180 quoting for the CSV files recon writes.
public enum CSVFormat {
    /// The field, quoted when it holds a delimiter, quote or line break, with quotes doubled.
    /// A leading `=`, `+`, `-` or `@` is kept as is: recon writes amounts like `-1.25`, which
    /// must stay numbers for the reader; spreadsheet users open the file as data.
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

    public static func row(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }
}
