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
}
