import Yams

/// YAML anchors (`&a`) and aliases (`*a`) let a few hundred bytes expand into gigabytes once
/// loaded ("billion laughs"); recon's profiles, rules and configs never need them, so a file
/// that uses one is refused before it is parsed, naming the line.
public enum YAMLAliases {
    /// The first line (1-based) where an anchor or alias starts a value, outside quotes and
    /// comments; nil when there is none.
    public static func firstUse(in text: String) -> Int? {
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var quote: Character?
            var previous: Character = " "
            for c in line {
                if let open = quote {
                    if c == open { quote = nil }
                } else if c == "\"" || c == "'" {
                    quote = c
                } else if c == "#" && (previous == " " || previous == "\t") {
                    break  // a comment runs to the end of the line
                } else if (c == "&" || c == "*") && " \t:-[{,".contains(previous) {
                    return number + 1
                } else if c == "<" && previous == "<" {
                    return number + 1  // a merge key `<<: *base`
                }
                previous = c
            }
        }
        return nil
    }

    /// A mapping key that is not plain text (a list or a mapping used as a key), which the YAML
    /// loader cannot turn into a name (it traps on one); thrown before loading.
    public struct KeyError: Error, CustomStringConvertible {
        public var line: Int
        public var description: String { "a key at line \(line) is a list or a mapping, not a name" }
    }

    /// Loads YAML as Swift values after checking that every key is a name.
    public static func load(_ text: String) throws -> Any? {
        guard let node = try Yams.compose(yaml: text) else { return nil }
        if let line = firstComplexKey(node) { throw KeyError(line: line) }
        return try Yams.load(yaml: text)
    }

    static func firstComplexKey(_ node: Node) -> Int? {
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                guard key.scalar != nil else { return key.mark.map { $0.line } ?? 0 }
                if let line = firstComplexKey(value) { return line }
            }
        case .sequence(let sequence):
            for item in sequence { if let line = firstComplexKey(item) { return line } }
        default: break
        }
        return nil
    }
}
