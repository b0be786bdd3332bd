/// Minimal JSON text building with deterministic member order (no Foundation on this path).
public enum JSONText {
    public static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// `{"a": 1, ...}` from pre-rendered member values, one member per line at `indent`.
    public static func object(_ members: [(String, String)], indent: Int = 0) -> String {
        guard !members.isEmpty else { return "{}" }
        let pad = String(repeating: "  ", count: indent + 1)
        let body = members.map { "\(pad)\(string($0.0)): \($0.1)" }.joined(separator: ",\n")
        return "{\n\(body)\n\(String(repeating: "  ", count: indent))}"
    }

    public static func array(_ items: [String], indent: Int = 0) -> String {
        guard !items.isEmpty else { return "[]" }
        let pad = String(repeating: "  ", count: indent + 1)
        return "[\n" + items.map { pad + $0 }.joined(separator: ",\n") + "\n"
            + String(repeating: "  ", count: indent) + "]"
    }
}
