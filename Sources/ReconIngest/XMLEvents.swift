import CLibXML2

/// What libxml2's SAX parser reported for one chunk of input, queued for `XMLReader`'s pull
/// side: element starts (name, line, namespace, attributes), text and ends. Names arrive as
/// pointers into the parser's dictionary, so each is interned by its address, not its text.
/// Filled on the parsing thread, then read on the reading thread: one thread at a time, handed
/// over by `XMLReader`'s ring.
final class XMLEvents {
    enum Kind: UInt8 { case start, text, end }

    struct Event {
        var kind: Kind
        var name: Int32 = 0
        var line: Int32 = 0
        var namespace: Int32 = -1
        /// A start's attributes, or a text's bytes: a range in the attribute or byte arrays.
        var from: Int32 = 0
        var to: Int32 = 0
    }

    let names: XMLNameTable
    var parser: xmlParserCtxtPtr?
    /// The document ends with these events, or fails after them with `failure`.
    var last = false
    var failure: IngestError?
    // filled from C callbacks, then read: the run-time exclusivity checks cost a tenth of reading
    @exclusivity(unchecked) private var queue: [Event] = []
    @exclusivity(unchecked) private var bytes: [UInt8] = []
    @exclusivity(unchecked) private var attributeNames: [Int32] = []
    @exclusivity(unchecked) private var attributeValues: [(Int32, Int32)] = []

    init(names: XMLNameTable) {
        self.names = names
        queue.reserveCapacity(1 << 14)
        bytes.reserveCapacity(XMLReader.chunkSize)
    }

    var count: Int { queue.count }
    subscript(i: Int) -> Event { queue[i] }

    /// Empties the queue for the next chunk, keeping its capacity.
    func removeAll() {
        last = false
        failure = nil
        queue.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        attributeNames.removeAll(keepingCapacity: true)
        attributeValues.removeAll(keepingCapacity: true)
    }

    func start(
        _ localName: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?, _ attributeCount: Int32,
        _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        let name = localName.map { names.id(libxml: UnsafeRawPointer($0)) } ?? names.intern("")
        let namespace = uri.map { names.id(libxml: UnsafeRawPointer($0)) } ?? -1
        let from = Int32(attributeNames.count)
        if let attributes {
            // five pointers per attribute: local name, prefix, URI, value start, value end
            for k in 0..<Int(attributeCount) {
                guard let attribute = attributes[5 * k], let value = attributes[5 * k + 3],
                    let end = attributes[5 * k + 4]
                else { continue }
                attributeNames.append(names.id(libxml: UnsafeRawPointer(attribute)))
                let start = Int32(bytes.count)
                bytes.append(contentsOf: UnsafeBufferPointer(start: value, count: end - value))
                attributeValues.append((start, Int32(bytes.count)))
            }
        }
        let line = parser?.pointee.input.map { Int32(clamping: $0.pointee.line) } ?? 0
        queue.append(
            Event(
                kind: .start, name: name, line: line, namespace: namespace, from: from, to: Int32(attributeNames.count))
        )
    }

    func end() { queue.append(Event(kind: .end)) }

    /// Text, joined to the text just before it; whitespace alone that follows no text is
    /// indentation and is left out.
    func text(_ value: UnsafePointer<xmlChar>, _ length: Int) {
        let chunk = UnsafeBufferPointer(start: value, count: length)
        if let last = queue.indices.last, queue[last].kind == .text {
            bytes.append(contentsOf: chunk)
            queue[last].to = Int32(bytes.count)
            return
        }
        guard chunk.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) else { return }
        let from = Int32(bytes.count)
        bytes.append(contentsOf: chunk)
        queue.append(Event(kind: .text, from: from, to: Int32(bytes.count)))
    }

    func withText(_ event: Event, _ body: (UnsafeRawBufferPointer) -> Void) {
        bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[Int(event.from)..<Int(event.to)])) }
    }

    /// The value of a start event's attribute, by its interned name.
    func attribute(of event: Event, name: Int32) -> String? {
        guard event.from < event.to else { return nil }
        for k in Int(event.from)..<Int(event.to) where attributeNames[k] == name {
            let (start, end) = attributeValues[k]
            return bytes.withUnsafeBytes { String(decoding: $0[Int(start)..<Int(end)], as: UTF8.self) }
        }
        return nil
    }

    func copyAttributes(of event: Event, into tree: XMLTree, node: Int32) {
        guard event.from < event.to else { return }
        bytes.withUnsafeBytes { all in
            for k in Int(event.from)..<Int(event.to) {
                let (start, end) = attributeValues[k]
                tree.addAttribute(
                    name: attributeNames[k], value: UnsafeRawBufferPointer(rebasing: all[Int(start)..<Int(end)]),
                    to: node)
            }
        }
    }
}
