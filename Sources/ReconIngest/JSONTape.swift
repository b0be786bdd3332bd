/// The kind of a JSON value.
public enum JSONKind: UInt8, Sendable {
    case object, array, string, number, bool, null
}

/// One value in a parsed document: its kind, its bytes, and where its subtree ends.
///
/// A flat array of these (a "tape", as in simdjson) describes a whole record with one
/// allocation that is reused from record to record. Object members are stored as alternating
/// key and value nodes.
public struct JSONNode: Sendable {
    public var kind: JSONKind
    /// A string with at least one backslash escape (decoding needs the slow path).
    public var escaped: Bool
    /// Byte range: string content without quotes; a number's or literal's token; a
    /// container from its opening to its closing bracket inclusive.
    public var start: Int32
    public var end: Int32
    /// Index of the node after this value's subtree (the next sibling).
    public var next: Int32
}

/// Growable node storage with a stable pointer, owned by one reader.
final class JSONTape {
    private(set) var nodes: UnsafeMutablePointer<JSONNode>
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int = 1024) {
        self.capacity = capacity
        nodes = .allocate(capacity: capacity)
    }

    deinit { nodes.deallocate() }

    @inline(__always)
    func append(_ node: JSONNode) -> Int {
        if count == capacity { grow() }
        (nodes + count).initialize(to: node)
        count += 1
        return count - 1
    }

    private func grow() {
        let bigger = UnsafeMutablePointer<JSONNode>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: nodes, count: count)
        nodes.deallocate()
        nodes = bigger
        capacity *= 2
    }

    var buffer: UnsafeBufferPointer<JSONNode> { UnsafeBufferPointer(start: nodes, count: count) }
}

/// A syntax error at a byte offset within the parsed bytes.
public struct JSONSyntaxError: Error, Sendable {
    public var offset: Int
    public var message: String
}
