#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only view of one value in a parsed record, valid until the reader's next call.
///
/// Lookups compare raw key bytes (no `String` is made for a key); `string` decodes only the
/// values an adapter keeps.
public struct JSONValue {
    // usable from inlinable code: the small accessors below are inlined into the adapters,
    // where a generic call per field read was a measurable share of reading payments
    @usableFromInline let bytes: UnsafeRawBufferPointer
    @usableFromInline let nodes: UnsafeBufferPointer<JSONNode>
    @usableFromInline let index: Int

    @inlinable var node: JSONNode { nodes[index] }

    @inlinable public var kind: JSONKind { node.kind }
    @inlinable public var isNull: Bool { node.kind == .null }

    /// The value's bytes: a string's content (still escaped), a number's digits, a container's
    /// whole text.
    @inlinable public var rawBytes: UnsafeRawBufferPointer {
        let node = self.node
        return UnsafeRawBufferPointer(rebasing: bytes[Int(node.start)..<Int(node.end)])
    }

    /// Byte offset of the value within the framed record.
    public var offset: Int { Int(node.start) }

    /// A member of an object by name; nil when absent or when this is not an object.
    public subscript(key: StaticString) -> JSONValue? {
        member(UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    }

    /// A member of an object by name given as bytes.
    public func member(_ key: UnsafeRawBufferPointer) -> JSONValue? {
        guard node.kind == .object else { return nil }
        let end = Int(node.next)
        var k = index + 1
        let keyCount = key.count
        while k < end {
            let name = nodes[k]
            let valueIndex = k + 1
            if Int(name.end - name.start) == keyCount || name.escaped {
                let nameBytes = UnsafeRawBufferPointer(rebasing: bytes[Int(name.start)..<Int(name.end)])
                if name.escaped {
                    if JSONString.decode(nameBytes).elementsEqual(key) {
                        return JSONValue(bytes: bytes, nodes: nodes, index: valueIndex)
                    }
                } else if sameBytes(nameBytes.baseAddress!, key.baseAddress!, keyCount) {
                    return JSONValue(bytes: bytes, nodes: nodes, index: valueIndex)
                }
            }
            k = Int(nodes[valueIndex].next)
        }
        return nil
    }

    /// Which of `names` this object has, as a bit mask (bit i for `names[i]`), in one pass
    /// over its members: shape detection without one scan per candidate key.
    public func memberMask(_ names: JSONNames) -> UInt64 {
        guard node.kind == .object else { return 0 }
        var mask: UInt64 = 0
        let end = Int(node.next)
        var k = index + 1
        while k < end {
            let name = nodes[k]
            let length = Int(name.end - name.start)
            if names.mayContain(length: length) {
                let start = bytes.baseAddress! + Int(name.start)
                for (bit, candidate) in names.names.enumerated()
                where candidate.utf8CodeUnitCount == length && sameBytes(start, candidate.utf8Start, length) {
                    mask |= 1 << UInt64(bit)
                    break
                }
            }
            k = Int(nodes[k + 1].next)
        }
        return mask
    }

    /// Values of several members found in one pass: `fields[i]` is the value of `names[i]`.
    /// Adapters read five to eight members a record; one pass beats one scan per member.
    public func members(_ names: JSONNames) -> JSONFields {
        var fields = JSONFields(bytes: bytes, nodes: nodes)
        guard node.kind == .object else { return fields }
        let end = Int(node.next)
        var k = index + 1
        while k < end {
            let name = nodes[k]
            let length = Int(name.end - name.start)
            let start = bytes.baseAddress! + Int(name.start)
            if !name.escaped {
                guard names.mayContain(length: length) else {
                    k = Int(nodes[k + 1].next)
                    continue
                }
                for (i, candidate) in names.names.enumerated()
                where candidate.utf8CodeUnitCount == length && sameBytes(start, candidate.utf8Start, length) {
                    fields.set(i, k + 1)
                    break
                }
            } else if let decoded = JSONValue(bytes: bytes, nodes: nodes, index: k).string {
                for (i, candidate) in names.names.enumerated() where decoded == "\(candidate)" {
                    fields.set(i, k + 1)
                    break
                }
            }
            k = Int(nodes[k + 1].next)
        }
        return fields
    }

    /// Follows a path of member names: `value.path("data", "attributes")`.
    public func path(_ keys: StaticString...) -> JSONValue? {
        var current: JSONValue? = self
        for key in keys { current = current?[key] }
        return current
    }

    /// The elements of an array (empty for anything else).
    public var elements: [JSONValue] {
        guard node.kind == .array else { return [] }
        var result: [JSONValue] = []
        var k = index + 1
        let end = Int(node.next)
        while k < end {
            result.append(JSONValue(bytes: bytes, nodes: nodes, index: k))
            k = Int(nodes[k].next)
        }
        return result
    }

    /// The members of an object as (name, value) pairs.
    public var members: [(name: String, value: JSONValue)] {
        guard node.kind == .object else { return [] }
        var result: [(String, JSONValue)] = []
        var k = index + 1
        let end = Int(node.next)
        while k < end {
            let name = JSONValue(bytes: bytes, nodes: nodes, index: k).string ?? ""
            result.append((name, JSONValue(bytes: bytes, nodes: nodes, index: k + 1)))
            k = Int(nodes[k + 1].next)
        }
        return result
    }

    /// A string value decoded (escapes resolved); nil for any other kind.
    public var string: String? {
        let node = self.node
        guard node.kind == .string else { return nil }
        let raw = UnsafeRawBufferPointer(rebasing: bytes[Int(node.start)..<Int(node.end)])
        if !node.escaped { return String(decoding: raw, as: UTF8.self) }
        return String(decoding: JSONString.decode(raw), as: UTF8.self)
    }

    /// Strings as they are, numbers and booleans as written: for ids some systems send either way.
    public var scalarText: String? {
        switch node.kind {
        case .string: string
        case .number, .bool: String(decoding: rawBytes, as: UTF8.self)
        default: nil
        }
    }

    /// True for `true`, false for `false`, nil otherwise.
    public var bool: Bool? {
        guard node.kind == .bool else { return nil }
        return bytes[Int(node.start)] == UInt8(ascii: "t")
    }

    /// Calls `body` with the value's text bytes with escapes resolved, without a `String`.
    @inlinable
    public func withStringBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R? {
        let node = self.node
        guard node.kind == .string || node.kind == .number else { return nil }
        let raw = rawBytes
        if !node.escaped { return try body(raw) }
        return try JSONString.decodedBytes(raw).withUnsafeBytes { try body($0) }
    }
}

/// Escape decoding for JSON strings the parser has already validated.
@usableFromInline
enum JSONString {
    @usableFromInline
    static func decodedBytes(_ raw: UnsafeRawBufferPointer) -> [UInt8] { decode(raw) }

    static func decode(_ raw: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            let b = raw[i]
            guard b == 0x5C else {
                out.append(b)
                i += 1
                continue
            }
            let e = raw[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex(raw, i)
                i += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    let low = hex(raw, i + 2)
                    i += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                appendUTF8(scalar, to: &out)
            default: out.append(e)  // \" \\ \/
            }
        }
        return out
    }

    static func hex(_ raw: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        var value: UInt32 = 0
        for k in at..<(at + 4) {
            let c = raw[k]
            let digit: UInt8 = c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}

/// The members an adapter asked for, by position in its list (up to 16), stored inline.
public struct JSONFields {
    let bytes: UnsafeRawBufferPointer
    let nodes: UnsafeBufferPointer<JSONNode>
    /// Node index + 1 of each requested member's value; 0 when absent.
    private var found: (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32,
                        Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    /// The index of a requested member the object has more than once (which value counts is
    /// not clear); -1 when none.
    public private(set) var repeated = -1

    init(bytes: UnsafeRawBufferPointer, nodes: UnsafeBufferPointer<JSONNode>) {
        self.bytes = bytes
        self.nodes = nodes
    }

    mutating func set(_ i: Int, _ node: Int) {
        precondition(i < 16, "at most 16 members per lookup")
        if self[i] != nil { repeated = i }
        withUnsafeMutableBytes(of: &found) { $0.storeBytes(of: Int32(node + 1), toByteOffset: i * 4, as: Int32.self) }
    }

    /// The value of the `i`th requested member, or nil.
    public subscript(i: Int) -> JSONValue? {
        let node = withUnsafeBytes(of: found) { $0.load(fromByteOffset: i * 4, as: Int32.self) }
        return node == 0 ? nil : JSONValue(bytes: bytes, nodes: nodes, index: Int(node) - 1)
    }
}

/// Byte equality for member names (a few to twenty bytes), inline: a `memcmp` call per
/// candidate name cost more than the comparison itself.
@inline(__always)
func sameBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
    var i = 0
    while i + 8 <= count {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
            return false
        }
        i += 8
    }
    while i < count {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i += 1
    }
    return true
}

/// Member names an adapter looks for, with the set of their lengths, so that a member whose
/// name has none of those lengths is passed over with one bit test.
public struct JSONNames: ExpressibleByArrayLiteral, Sendable {
    public let names: [StaticString]
    /// Bit n set when some name is n bytes long (bit 63: 63 bytes or more).
    let lengths: UInt64

    public init(arrayLiteral names: StaticString...) {
        self.names = names
        lengths = names.reduce(0) { $0 | 1 << UInt64(min($1.utf8CodeUnitCount, 63)) }
    }

    @inline(__always)
    func mayContain(length: Int) -> Bool { lengths & (1 << UInt64(min(length, 63))) != 0 }
}

extension JSONValue {
    /// Parses one small JSON text held in a cell (a CSV column carrying a JSON object) and hands
    /// its root to `body`; nil when the text is not valid JSON. The value is valid only inside.
    public static func parsing<R>(_ bytes: UnsafeRawBufferPointer, _ body: (JSONValue) -> R) -> R? {
        let tape = JSONTape(capacity: 64)
        do { try JSONParser.parse(bytes, into: tape) } catch { return nil }
        return body(JSONValue(bytes: bytes, nodes: tape.buffer, index: 0))
    }
}
