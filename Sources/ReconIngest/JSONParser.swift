/// A strict RFC 8259 parser from contiguous bytes to a `JSONTape`.
///
/// Validates everything a value can get wrong (structure, numbers, escapes, `\u` surrogate
/// pairs, control characters, UTF-8) but decodes nothing: strings stay byte ranges until an
/// adapter asks for one it keeps.
struct JSONParser {
    static let depthMax = 512

    let p: UnsafePointer<UInt8>
    let n: Int
    var i = 0
    let tape: JSONTape

    init(_ bytes: UnsafeRawBufferPointer, tape: JSONTape) {
        p = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        n = bytes.count
        self.tape = tape
    }

    /// Parses exactly one value surrounded by optional whitespace.
    static func parse(_ bytes: UnsafeRawBufferPointer, into tape: JSONTape) throws(JSONSyntaxError) {
        tape.count = 0
        guard bytes.count > 0 else { throw JSONSyntaxError(offset: 0, message: "empty record") }
        var parser = JSONParser(bytes, tape: tape)
        parser.skipWhitespace()
        try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.i < parser.n {
            throw parser.error("unexpected '\(parser.describeByte())' after the end of the value")
        }
    }

    func error(_ message: String) -> JSONSyntaxError { JSONSyntaxError(offset: i, message: message) }

    func describeByte() -> String {
        guard i < n else { return "end of input" }
        let b = p[i]
        return b >= 0x20 && b < 0x7F ? String(UnicodeScalar(b)) : "byte 0x" + String(b, radix: 16)
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while i < n {
            let b = p[i]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            i += 1
        }
    }

    mutating func parseValue(depth: Int) throws(JSONSyntaxError) {
        guard i < n else { throw error("unexpected end of input, expected a value") }
        switch p[i] {
        case UInt8(ascii: "{"): try parseObject(depth: depth)
        case UInt8(ascii: "["): try parseArray(depth: depth)
        case UInt8(ascii: "\""): try parseString()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber()
        case UInt8(ascii: "t"): try parseLiteral("true", kind: .bool)
        case UInt8(ascii: "f"): try parseLiteral("false", kind: .bool)
        case UInt8(ascii: "n"): try parseLiteral("null", kind: .null)
        default: throw error("unexpected '\(describeByte())', expected a value")
        }
    }

    mutating func parseObject(depth: Int) throws(JSONSyntaxError) {
        guard depth < JSONParser.depthMax else { throw error("nesting deeper than \(JSONParser.depthMax)") }
        let index = tape.append(JSONNode(kind: .object, escaped: false, start: Int32(i), end: 0, next: 0))
        i += 1
        skipWhitespace()
        if i < n && p[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                guard i < n, p[i] == UInt8(ascii: "\"") else {
                    throw error("expected a member name in quotes, found '\(describeByte())'")
                }
                try parseString()
                skipWhitespace()
                guard i < n, p[i] == UInt8(ascii: ":") else {
                    throw error("expected ':' after a member name, found '\(describeByte())'")
                }
                i += 1
                skipWhitespace()
                try parseValue(depth: depth + 1)
                skipWhitespace()
                guard i < n else { throw error("unexpected end of input inside an object") }
                if p[i] == UInt8(ascii: ",") {
                    i += 1
                    skipWhitespace()
                    continue
                }
                guard p[i] == UInt8(ascii: "}") else {
                    throw error("expected ',' or '}' in an object, found '\(describeByte())'")
                }
                i += 1
                break
            }
        }
        tape.nodes[index].end = Int32(i)
        tape.nodes[index].next = Int32(tape.count)
    }

    mutating func parseArray(depth: Int) throws(JSONSyntaxError) {
        guard depth < JSONParser.depthMax else { throw error("nesting deeper than \(JSONParser.depthMax)") }
        let index = tape.append(JSONNode(kind: .array, escaped: false, start: Int32(i), end: 0, next: 0))
        i += 1
        skipWhitespace()
        if i < n && p[i] == UInt8(ascii: "]") {
            i += 1
        } else {
            while true {
                try parseValue(depth: depth + 1)
                skipWhitespace()
                guard i < n else { throw error("unexpected end of input inside an array") }
                if p[i] == UInt8(ascii: ",") {
                    i += 1
                    skipWhitespace()
                    continue
                }
                guard p[i] == UInt8(ascii: "]") else {
                    throw error("expected ',' or ']' in an array, found '\(describeByte())'")
                }
                i += 1
                break
            }
        }
        tape.nodes[index].end = Int32(i)
        tape.nodes[index].next = Int32(tape.count)
    }

    mutating func parseString() throws(JSONSyntaxError) {
        i += 1  // opening quote
        let start = i
        var escaped = false
        while true {
            // fast scan over plain ASCII, eight bytes at a time: a word with no quote, no
            // backslash, no control byte and no high bit needs no look at its bytes
            while i + 8 <= n {
                let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                let attention = JSONParser.attentionMask(word)
                if attention != 0 {
                    i += attention.trailingZeroBitCount >> 3  // straight to the first such byte
                    break
                }
                i += 8
            }
            while i < n {
                let b = p[i]
                if b == 0x22 || b == 0x5C || b < 0x20 || b >= 0x80 { break }
                i += 1
            }
            guard i < n else {
                throw JSONSyntaxError(offset: start - 1, message: "unterminated string")
            }
            let b = p[i]
            if b == 0x22 { break }
            if b == 0x5C {
                escaped = true
                try parseEscape()
            } else if b < 0x20 {
                throw error("control character 0x\(String(b, radix: 16)) inside a string (must be escaped)")
            } else {
                try validateUTF8Sequence()
            }
        }
        let node = JSONNode(
            kind: .string, escaped: escaped, start: Int32(start), end: Int32(i), next: Int32(tape.count + 1))
        _ = tape.append(node)
        i += 1  // closing quote
    }

    /// The high bit of each byte of `word` that is `"`, `\\`, below 0x20 or above 0x7F (SWAR).
    /// Bytes after a flagged one may be flagged too, but the lowest flag is always exact.
    @inline(__always)
    static func attentionMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
        let quote = hasZeroByte(word ^ (ones &* 0x22))
        let backslash = hasZeroByte(word ^ (ones &* 0x5C))
        let control = (word &- ones &* 0x20) & ~word & highs
        return quote | backslash | control | (word & highs)
    }

    mutating func parseEscape() throws(JSONSyntaxError) {
        guard i + 1 < n else { throw error("unterminated escape") }
        switch p[i + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
            UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            i += 2
        case UInt8(ascii: "u"):
            let unit = try hex4(at: i + 2)
            i += 6
            if unit >= 0xD800 && unit <= 0xDBFF {
                guard i + 1 < n, p[i] == 0x5C, p[i + 1] == UInt8(ascii: "u") else {
                    throw error("high surrogate \\u\(String(unit, radix: 16)) without its low half")
                }
                let low = try hex4(at: i + 2)
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw error("\\u\(String(low, radix: 16)) is not a low surrogate")
                }
                i += 6
            } else if unit >= 0xDC00 && unit <= 0xDFFF {
                throw error("lone low surrogate \\u\(String(unit, radix: 16))")
            }
        default:
            i += 1
            throw error("invalid escape '\\\(describeByte())'")
        }
    }

    func hex4(at offset: Int) throws(JSONSyntaxError) -> UInt32 {
        guard offset + 4 <= n else { throw JSONSyntaxError(offset: offset, message: "truncated \\u escape") }
        var value: UInt32 = 0
        for k in offset..<(offset + 4) {
            let c = p[k]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            default: throw JSONSyntaxError(offset: k, message: "invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
        }
        return value
    }

    /// Checks one multi-byte UTF-8 sequence at `i` (RFC 3629: no overlongs, no surrogates).
    mutating func validateUTF8Sequence() throws(JSONSyntaxError) {
        let b0 = p[i]
        var length = 0
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw error("invalid UTF-8 byte 0x\(String(b0, radix: 16)) in a string")
        }
        guard i + length <= n else { throw error("truncated UTF-8 sequence in a string") }
        let b1 = p[i + 1]
        guard b1 >= low && b1 <= high else { throw error("invalid UTF-8 sequence in a string") }
        for k in 2..<length where p[i + k] & 0xC0 != 0x80 {
            throw error("invalid UTF-8 sequence in a string")
        }
        i += length
    }

    mutating func parseNumber() throws(JSONSyntaxError) {
        let start = i
        if p[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n, p[i] >= 0x30, p[i] <= 0x39 else { throw error("a number needs digits") }
        if p[i] == 0x30 {
            i += 1
            if i < n, p[i] >= 0x30, p[i] <= 0x39 { throw error("a number can't have a leading zero") }
        } else {
            while i < n, p[i] >= 0x30, p[i] <= 0x39 { i += 1 }
        }
        if i < n, p[i] == UInt8(ascii: ".") {
            i += 1
            guard i < n, p[i] >= 0x30, p[i] <= 0x39 else { throw error("digits must follow '.'") }
            while i < n, p[i] >= 0x30, p[i] <= 0x39 { i += 1 }
        }
        if i < n, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            i += 1
            if i < n, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
            guard i < n, p[i] >= 0x30, p[i] <= 0x39 else { throw error("digits must follow the exponent") }
            while i < n, p[i] >= 0x30, p[i] <= 0x39 { i += 1 }
        }
        _ = tape.append(
            JSONNode(kind: .number, escaped: false, start: Int32(start), end: Int32(i), next: Int32(tape.count + 1)))
    }

    mutating func parseLiteral(_ word: StaticString, kind: JSONKind) throws(JSONSyntaxError) {
        let length = word.utf8CodeUnitCount
        guard i + length <= n else { throw error("unexpected end of input in '\(word)'") }
        for k in 0..<length where p[i + k] != word.utf8Start[k] {
            throw error("invalid literal, expected '\(word)'")
        }
        _ = tape.append(
            JSONNode(
                kind: kind, escaped: false, start: Int32(i), end: Int32(i + length),
                next: Int32(tape.count + 1)))
        i += length
    }
}
