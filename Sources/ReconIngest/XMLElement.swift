import Synchronization

/// The names of one document's elements and attributes, each stored once and known by a
/// number. libxml2 interns names itself, so its pointer finds the number without hashing text;
/// an adapter's name literals (`StaticString`) are found by their address the same way.
///
/// Two threads use one table: the parsing thread interns the names libxml2 reports, the reading
/// thread looks names up. Each keeps its own caches; the table itself, touched only when a cache
/// misses (once per name and thread), is behind a lock.
final class XMLNameTable: @unchecked Sendable {
    private struct Shared {
        var strings: [String] = []
        var ids: [String: Int32] = [:]
    }
    private let shared = Mutex(Shared())
    // the parsing thread's
    @exclusivity(unchecked) private var byLibxml = [(UnsafeRawPointer?, Int32)](repeating: (nil, 0), count: 1024)
    @exclusivity(unchecked) private var libxmlIDs: [UnsafeRawPointer: Int32] = [:]
    // the reading thread's
    @exclusivity(unchecked) private var byLiteral = [(UnsafeRawPointer?, Int32)](repeating: (nil, 0), count: 512)
    @exclusivity(unchecked) private var knownStrings: [String] = []
    @exclusivity(unchecked) private var knownIDs: [String: Int32] = [:]

    /// The number of `name`, given it one if it has none (either thread).
    func intern(_ name: String) -> Int32 {
        shared.withLock { table in
            if let id = table.ids[name] { return id }
            let id = Int32(table.strings.count)
            table.strings.append(name)
            table.ids[name] = id
            return id
        }
    }

    /// The name numbered `id` (the reading thread).
    func string(_ id: Int32) -> String {
        if Int(id) >= knownStrings.count { knownStrings = shared.withLock { $0.strings } }
        return knownStrings[Int(id)]
    }

    /// The number of `name` (the reading thread).
    func id(_ name: String) -> Int32 {
        if let id = knownIDs[name] { return id }
        let id = intern(name)
        knownIDs[name] = id
        return id
    }

    @inline(__always) static func slot(_ pointer: UnsafeRawPointer, _ count: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(UInt(bitPattern: pointer)) &* 0x9E37_79B9_7F4A_7C15) >> 40) & (count - 1)
    }

    /// The number of a name in libxml2's dictionary (the parsing thread).
    func id(libxml pointer: UnsafeRawPointer) -> Int32 {
        let slot = Self.slot(pointer, byLibxml.count)
        if byLibxml[slot].0 == pointer { return byLibxml[slot].1 }
        let id = libxmlIDs[pointer] ?? intern(String(cString: pointer.assumingMemoryBound(to: CChar.self)))
        libxmlIDs[pointer] = id
        byLibxml[slot] = (pointer, id)
        return id
    }

    /// The number of an adapter's name literal (the reading thread).
    func id(literal: StaticString) -> Int32 {
        guard literal.hasPointerRepresentation else { return id(literal.description) }
        let pointer = UnsafeRawPointer(literal.utf8Start)
        let slot = Self.slot(pointer, byLiteral.count)
        if byLiteral[slot].0 == pointer { return byLiteral[slot].1 }
        let id = id(literal.description)
        byLiteral[slot] = (pointer, id)
        return id
    }
}

/// One element read whole and everything inside it, as a flat tree (nodes in document order,
/// first-child / next-sibling links, text as byte ranges). Built once per element by
/// `XMLReader.readElement`; immutable afterwards.
final class XMLTree: @unchecked Sendable {
    struct Node {
        var name: Int32
        var line: Int32
        var firstChild: Int32 = -1
        var lastChild: Int32 = -1
        var nextSibling: Int32 = -1
        var textStart: Int32 = 0
        var textEnd: Int32 = 0
        var attributeStart: Int32
    }

    let names: XMLNameTable
    // one thread builds a tree, then it is only read: the run-time exclusivity checks on these
    // class properties were a third of reading time; one array of nodes is one append per node
    @exclusivity(unchecked) var nodes: [Node] = []
    @exclusivity(unchecked) var text: [UInt8] = []
    @exclusivity(unchecked) var attributeName: [Int32] = []
    @exclusivity(unchecked) var attributeValue: [(Int32, Int32)] = []

    init(names: XMLNameTable, nodes count: Int = 32) {
        self.names = names
        nodes.reserveCapacity(count)  // sized from the previous entry, so appends rarely regrow
        text.reserveCapacity(count * 16)
    }

    func element(_ node: Int32) -> XMLElement { XMLElement(tree: self, node: node) }

    /// Empties the tree for the next element, keeping its capacity.
    func reset() {
        nodes.removeAll(keepingCapacity: true)
        text.removeAll(keepingCapacity: true)
        attributeName.removeAll(keepingCapacity: true)
        attributeValue.removeAll(keepingCapacity: true)
    }

    func addNode(name id: Int32, line: Int32, parent: Int32) -> Int32 {
        let node = Int32(nodes.count)
        nodes.append(Node(name: id, line: line, attributeStart: Int32(attributeName.count)))
        if parent >= 0 {
            let p = Int(parent)
            let last = nodes[p].lastChild
            if last < 0 { nodes[p].firstChild = node } else { nodes[Int(last)].nextSibling = node }
            nodes[p].lastChild = node
        }
        return node
    }

    func addAttribute(name id: Int32, value: UnsafeRawBufferPointer, to node: Int32) {
        let start = Int32(text.count)
        text.append(contentsOf: value)
        attributeName.append(id)
        attributeValue.append((start, Int32(text.count)))
    }

    /// Adds text to `node`; a text that does not follow the node's own text directly (text
    /// after a child element) is dropped: settlement formats do not mix text and elements.
    func addText(_ value: UnsafeRawBufferPointer, to node: Int32) {
        let n = Int(node)
        if nodes[n].textStart == nodes[n].textEnd {
            nodes[n].textStart = Int32(text.count)
        } else if nodes[n].textEnd != Int32(text.count) {
            return
        }
        text.append(contentsOf: value)
        nodes[n].textEnd = Int32(text.count)
    }

    func attributeEnd(_ node: Int32) -> Int {
        Int(node) + 1 < nodes.count ? Int(nodes[Int(node) + 1].attributeStart) : attributeName.count
    }

    func string(_ range: (Int32, Int32), trimmed: Bool) -> String {
        text.withUnsafeBufferPointer { text in
            var (start, end) = (Int(range.0), Int(range.1))
            if trimmed {
                func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
                while start < end, blank(text[start]) { start += 1 }
                while end > start, blank(text[end - 1]) { end -= 1 }
            }
            return String(decoding: text[start..<end], as: UTF8.self)
        }
    }
}

/// One element of a document read whole (`XMLReader.readElement`): its name, attributes, text
/// and children, looked up by name. Name literals are matched by number, not by text.
public struct XMLElement: @unchecked Sendable {
    let tree: XMLTree
    let node: Int32

    public var name: String { tree.names.string(tree.nodes[Int(node)].name) }

    /// The line the element starts on.
    public var line: Int64 { Int64(tree.nodes[Int(node)].line) }

    /// The element's own text, untrimmed.
    public var text: String {
        tree.string((tree.nodes[Int(node)].textStart, tree.nodes[Int(node)].textEnd), trimmed: false)
    }

    /// The text without surrounding XML whitespace (space, tab, CR, LF).
    public var trimmedText: String {
        tree.string((tree.nodes[Int(node)].textStart, tree.nodes[Int(node)].textEnd), trimmed: true)
    }

    /// Every child, in order.
    public var children: [XMLElement] {
        var result: [XMLElement] = []
        var c = tree.nodes[Int(node)].firstChild
        while c >= 0 {
            result.append(XMLElement(tree: tree, node: c))
            c = tree.nodes[Int(c)].nextSibling
        }
        return result
    }

    func child(id: Int32) -> XMLElement? {
        let c = tree.nodes.withUnsafeBufferPointer { Self.child(id, of: node, in: $0) }
        return c < 0 ? nil : XMLElement(tree: tree, node: c)
    }

    /// The first child of `node` named `id`, -1 for none: walked over the nodes in place (one
    /// reference counted per lookup, not one per node and element passed).
    static func child(_ id: Int32, of node: Int32, in nodes: UnsafeBufferPointer<XMLTree.Node>) -> Int32 {
        guard node >= 0 else { return -1 }
        var c = nodes[Int(node)].firstChild
        while c >= 0 && nodes[Int(c)].name != id { c = nodes[Int(c)].nextSibling }
        return c
    }

    /// The trimmed text of the node down a path of first children, nil when absent or blank.
    func text(path ids: (Int32, Int32, Int32, Int32), depth: Int) -> String? {
        let found = tree.nodes.withUnsafeBufferPointer { nodes in
            var n = Self.child(ids.0, of: node, in: nodes)
            if depth > 1 { n = Self.child(ids.1, of: n, in: nodes) }
            if depth > 2 { n = Self.child(ids.2, of: n, in: nodes) }
            if depth > 3 { n = Self.child(ids.3, of: n, in: nodes) }
            return n < 0 ? nil : (nodes[Int(n)].textStart, nodes[Int(n)].textEnd)
        }
        guard let found else { return nil }
        let text = tree.string(found, trimmed: true)
        return text.isEmpty ? nil : text
    }

    func attribute(id: Int32) -> String? {
        let start = Int(tree.nodes[Int(node)].attributeStart)
        let end = tree.attributeEnd(node)
        for k in start..<end where tree.attributeName[k] == id {
            return tree.string(tree.attributeValue[k], trimmed: false)
        }
        return nil
    }

    public func attribute(_ name: StaticString) -> String? { attribute(id: tree.names.id(literal: name)) }
    public func attribute(named name: String) -> String? { attribute(id: tree.names.id(name)) }

    /// The first child with this name.
    public func child(_ name: StaticString) -> XMLElement? { child(id: tree.names.id(literal: name)) }

    /// Every child with this name.
    public func children(_ name: StaticString) -> [XMLElement] {
        let id = tree.names.id(literal: name)
        var result: [XMLElement] = []  // walked in place: most lookups find none or one
        tree.nodes.withUnsafeBufferPointer { nodes in
            var c = nodes[Int(node)].firstChild
            while c >= 0 {
                if nodes[Int(c)].name == id { result.append(XMLElement(tree: tree, node: c)) }
                c = nodes[Int(c)].nextSibling
            }
        }
        return result
    }

    /// The element down a path of first children (`entry.path("BkTxCd", "Domn", "Cd")`).
    public func path(_ a: StaticString, _ b: StaticString) -> XMLElement? { child(a)?.child(b) }
    public func path(_ a: StaticString, _ b: StaticString, _ c: StaticString) -> XMLElement? {
        child(a)?.child(b)?.child(c)
    }

    /// A path given at run time (a mapping profile's `Refs/EndToEndId`).
    public func path(components: ArraySlice<String>) -> XMLElement? {
        var current = self
        for name in components {
            guard let next = current.child(id: tree.names.id(name)) else { return nil }
            current = next
        }
        return current
    }

    /// The trimmed text at a path, nil when absent or blank.
    public func text(_ a: StaticString) -> String? {
        text(path: (tree.names.id(literal: a), 0, 0, 0), depth: 1)
    }
    public func text(_ a: StaticString, _ b: StaticString) -> String? {
        let names = tree.names
        return text(path: (names.id(literal: a), names.id(literal: b), 0, 0), depth: 2)
    }
    public func text(_ a: StaticString, _ b: StaticString, _ c: StaticString) -> String? {
        let names = tree.names
        return text(path: (names.id(literal: a), names.id(literal: b), names.id(literal: c), 0), depth: 3)
    }
    public func text(_ a: StaticString, _ b: StaticString, _ c: StaticString, _ d: StaticString) -> String? {
        let names = tree.names
        return text(
            path: (names.id(literal: a), names.id(literal: b), names.id(literal: c), names.id(literal: d)), depth: 4)
    }

    /// The trimmed text, nil when blank.
    public var nonEmptyText: String? {
        let t = trimmedText
        return t.isEmpty ? nil : t
    }
}
