import ReconMemory
import CLibXML2

/// Streams an XML document from any byte source through libxml2's SAX2 push parser (no tree
/// of the whole document): step from element start to element start, and read the small
/// elements worth keeping whole (`readElement`).
///
/// libxml2 parses one chunk of input at a time, on its own thread, into batches of events
/// (start, text, end) that the pull side consumes a batch behind; memory is bounded by the
/// three batches of the ring (`HandoffRing`). The SAX interface rather than
/// `xmlTextReader`: the reader builds and frees a libxml2 node for every element and text and
/// runs at half the SAX parser's speed here, while recon builds its own compact tree of the
/// elements it keeps (`XMLTree`) either way.
///
/// Safe by construction for files from outside: no network, no external entities, no DTD
/// loading, and a document that has a DTD at all (`<!DOCTYPE`) is refused, since a
/// settlement file has no use for one and it is how entity attacks are carried. Without a DTD
/// only the five predefined entities exist. A malformed document is an `IngestError` with
/// line and column.
public final class XMLReader {
    public let name: String
    private let ring: HandoffRing<XMLEvents>
    /// The batch of events the ring holds for the reader, and the next event in it.
    private var events: XMLEvents
    private var position = 0
    /// Local names of the open elements, outermost first.
    public private(set) var stack: [String] = []
    /// Every element and attribute name of the document, interned.
    let names: XMLNameTable
    private var lastTreeNodes = 32
    private var openNodes: [Int32] = []
    private var lastTree: XMLTree?
    /// The start event `nextStart` returned last, while `readElement` may read it.
    private var start: XMLEvents.Event?
    private var startLine: Int64 = 0
    private var startNamespace: Int32 = -1
    /// The line of the last start event read: where an error found by the reading side is.
    private var lastLine: Int64 = 0

    static let chunkSize = 256 << 10
    /// The most an element read whole may hold: an entry of a bank statement has tens of
    /// elements, a batch booking with its transactions some hundred thousand; a larger one is
    /// hostile or broken, and would hold its whole tree in memory.
    static let elementNodeLimit = 1_000_000
    static let elementTextLimit = 64 << 20

    /// libxml2 parses on its own thread, a few chunks ahead: parsing is a third of reading a
    /// camt file, and the adapters' work on the events the rest.
    public init(source: any ByteSource) throws(IngestError) {
        name = source.name
        let names = XMLNameTable()
        self.names = names
        let batches = (0..<3).map { _ in XMLEvents(names: names) }
        let parser = try Parser(source: source, batches: batches)
        ring = HandoffRing(slots: batches)
        events = batches[0]
        ring.start("recon.xml-parse") { parser.fill($0) }
    }

    deinit { ring.cancel() }

    /// The line of the element `nextStart` returned last (where its start tag ends).
    public var line: Int64 { startLine }

    /// Moves to the next element start anywhere below (descending into the current element
    /// unless it was read whole); nil at the end of the document.
    public func nextStart() throws(IngestError) -> String? {
        start = nil
        while let event = try nextEvent() {
            switch event.kind {
            case .start:
                let name = names.string(event.name)
                stack.append(name)
                start = event
                startLine = Int64(event.line)
                startNamespace = event.namespace
                return name
            case .end:
                _ = stack.popLast()
            case .text:
                break
            }
        }
        return nil
    }

    /// An attribute (by local name) of the element `nextStart` returned, without reading the
    /// element (a root's `TotalNoOfTransactions`, say).
    public func attribute(_ name: String) -> String? {
        guard let start else { return nil }
        return events.attribute(of: start, name: names.id(name))
    }

    /// The namespace URI of the element `nextStart` returned (`urn:iso:std:iso:20022:...`).
    public var namespaceURI: String? {
        startNamespace < 0 ? nil : names.string(startNamespace)
    }

    /// Reads the element `nextStart` just returned, with everything inside it, and moves past
    /// its end.
    public func readElement() throws(IngestError) -> XMLElement {
        guard let root = start else { preconditionFailure("readElement must follow nextStart") }
        start = nil
        _ = stack.popLast()
        // the last element's tree is reused when nobody holds it any more (the common case:
        // an adapter reads an entry and lets it go), saving its allocations per element
        let tree: XMLTree
        if lastTree != nil && isKnownUniquelyReferenced(&lastTree) {
            tree = lastTree!
            tree.reset()
        } else {
            tree = XMLTree(names: names, nodes: lastTreeNodes)
        }
        lastTree = nil
        defer {
            lastTreeNodes = max(16, tree.nodes.count)
            lastTree = tree
        }
        // the open elements' nodes, in an array kept from one element to the next
        var open = openNodes
        open.removeAll(keepingCapacity: true)
        openNodes = []
        defer { openNodes = open }
        open.append(tree.addNode(name: root.name, line: root.line, parent: -1))
        events.copyAttributes(of: root, into: tree, node: 0)
        // the batch in a local: the events of one batch are read without touching `self`
        var batch = events
        while true {
            let event: XMLEvents.Event
            if position < batch.count {
                event = batch[position]
                position += 1
            } else {
                guard let next = try nextEvent() else { break }
                event = next
                batch = events
            }
            switch event.kind {
            case .start:
                lastLine = Int64(event.line)
                guard tree.nodes.count < Self.elementNodeLimit else { throw tooLarge(tree, "elements") }
                let node = tree.addNode(name: event.name, line: event.line, parent: open[open.count - 1])
                batch.copyAttributes(of: event, into: tree, node: node)
                open.append(node)
            case .text:
                batch.withText(event) { tree.addText($0, to: open[open.count - 1]) }
                guard tree.text.count <= Self.elementTextLimit else { throw tooLarge(tree, "bytes of text") }
            case .end:
                open.removeLast()
                if open.isEmpty { return XMLElement(tree: tree, node: 0) }
            }
        }
        throw failure("the document ends inside <\(tree.element(0).name)>")
    }

    /// The next event, waiting for the parsing thread when the batch is consumed; nil at the
    /// end. An error is raised once the events before it are consumed, and again on every call
    /// after: the reader stays failed (found by fuzzing: reading on after a failed element).
    private func nextEvent() throws(IngestError) -> XMLEvents.Event? {
        while true {
            if let failed { throw failed }
            let (batch, fresh) = ring.held()
            if fresh {
                events = batch
                position = 0
            }
            if position < events.count {
                defer { position += 1 }
                let event = events[position]
                if event.kind == .start { lastLine = Int64(event.line) }
                return event
            }
            if events.last {
                failed = events.failure
                if let failed { throw failed }
                return nil
            }
            ring.giveBack()
        }
    }

    private var failed: IngestError?

    private func tooLarge(_ tree: XMLTree, _ what: String) -> IngestError {
        let limit = what == "elements" ? Self.elementNodeLimit : Self.elementTextLimit
        let error = IngestError(
            .limitExceeded,
            "<\(tree.element(0).name)> starting at line \(tree.nodes[0].line) holds more than \(limit) \(what); "
                + "recon reads such an element whole and refuses one this large",
            file: name, line: lastLine)
        failed = error
        return error
    }

    private func failure(_ message: String) -> IngestError {
        IngestError(.malformedXML, message, file: name, line: lastLine)
    }

    /// libxml2's push parser and its input, used on the ring's thread only: each `fill` parses
    /// one chunk into a batch of events.
    final class Parser: @unchecked Sendable {
        private let name: String
        private let source: any ByteSource
        private let parser: xmlParserCtxtPtr
        private let sink: Sink
        private let context: Unmanaged<Sink>
        private let chunk: UnsafeMutableRawBufferPointer
        private var inputEnded = false
        private var first = true

        /// Where the SAX callbacks write: the batch being filled, and what the parser said.
        final class Sink {
            /// The batch, called through `_withUnsafeGuaranteedRef`: a reference loaded for a call
            /// is otherwise retained and released around it, once per callback (the ring owns the
            /// batches for the parser's whole life).
            var events: Unmanaged<XMLEvents>
            var parser: xmlParserCtxtPtr?
            var declaresDTD = false
            var parseError: (message: String, line: Int64, column: Int64)?

            init(events: XMLEvents) { self.events = .passUnretained(events) }
        }

        init(source: any ByteSource, batches: [XMLEvents]) throws(IngestError) {
            name = source.name
            self.source = source
            sink = Sink(events: batches[0])
            chunk = .allocate(byteCount: XMLReader.chunkSize, alignment: 16)
            // the first chunk goes in with the parser's creation: libxml2 detects the encoding there
            let first: Int
            do throws(IngestError) {
                first = try source.read(into: chunk)
            } catch {
                chunk.deallocate()
                throw error
            }
            context = Unmanaged.passRetained(sink)
            var sax = xmlSAXHandler()
            sax.initialized = XML_SAX2_MAGIC
            // the callbacks borrow the sink the parser's user data points to (retaining it per
            // callback was a tenth of the reading time)
            sax.startElementNs = { context, localName, _, uri, _, _, attributeCount, _, attributes in
                guard let context else { return }
                Unmanaged<Sink>.fromOpaque(context)._withUnsafeGuaranteedRef {
                    $0.events._withUnsafeGuaranteedRef { $0.start(localName, uri, attributeCount, attributes) }
                }
            }
            sax.endElementNs = { context, _, _, _ in
                guard let context else { return }
                Unmanaged<Sink>.fromOpaque(context)._withUnsafeGuaranteedRef {
                    $0.events._withUnsafeGuaranteedRef { $0.end() }
                }
            }
            sax.characters = { context, bytes, length in
                guard let context, let bytes, length > 0 else { return }
                Unmanaged<Sink>.fromOpaque(context)._withUnsafeGuaranteedRef {
                    $0.events._withUnsafeGuaranteedRef { $0.text(bytes, Int(length)) }
                }
            }
            sax.cdataBlock = sax.characters
            sax.ignorableWhitespace = sax.characters
            sax.internalSubset = { context, _, _, _ in
                guard let context else { return }
                let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
                sink.declaresDTD = true
                if let parser = sink.parser { xmlStopParser(parser) }
            }
            sax.serror = { context, error in
                guard let context, let error else { return }
                let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
                guard sink.parseError == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
                let message = error.pointee.message.map { String(cString: $0) } ?? "malformed XML"
                sink.parseError = (
                    message.trimmingTrailingNewlines, Int64(error.pointee.line), Int64(error.pointee.int2)
                )
            }
            let (buffer, opaque) = (chunk, context.toOpaque())
            let created = buffer.withMemoryRebound(to: CChar.self) {
                xmlCreatePushParserCtxt(&sax, opaque, $0.baseAddress, Int32(first), source.name)
            }
            guard let parser = created else {
                context.release()
                chunk.deallocate()
                throw IngestError(.io, "libxml2 could not start a parser", file: source.name)
            }
            self.parser = parser
            sink.parser = parser
            for batch in batches { batch.parser = parser }
            xmlCtxtUseOptions(parser, Int32(XML_PARSE_NONET.rawValue))
            inputEnded = first == 0
        }

        deinit {
            xmlFreeParserCtxt(parser)
            context.release()
            chunk.deallocate()
        }

        /// Parses the next chunk into `batch`; false when the document ended or failed there.
        func fill(_ batch: XMLEvents) -> Bool {
            batch.removeAll()
            sink.events = .passUnretained(batch)
            if first {
                first = false
                recon_xml_silence_generic_errors()  // libxml2's generic handler is per thread
                parse(count: 0, into: batch)  // the first chunk, already in the parser
            } else {
                do throws(IngestError) {
                    let count = try source.read(into: chunk)
                    inputEnded = count == 0
                    parse(count: count, into: batch)
                } catch {
                    batch.failure = error
                }
            }
            batch.last = inputEnded || batch.failure != nil
            return !batch.last
        }

        /// Parses `count` bytes of `chunk` (none: what the parser holds), the last call when the
        /// input has ended; notes the first error in the batch.
        private func parse(count: Int, into batch: XMLEvents) {
            let status = chunk.withMemoryRebound(to: CChar.self) {
                xmlParseChunk(parser, $0.baseAddress, Int32(count), inputEnded ? 1 : 0)
            }
            if sink.declaresDTD {
                batch.failure = IngestError(
                    .unsafeXML,
                    "the document declares a DTD (<!DOCTYPE ...>); recon refuses DTDs and entity declarations "
                        + "in settlement files, as they can read other files or expand without bound",
                    file: name, line: Int64(xmlSAX2GetLineNumber(parser)))
            } else if status != 0 || sink.parseError != nil {
                var error = IngestError(
                    .malformedXML,
                    sink.parseError?.message ?? "malformed XML, or text in an encoding libxml2 cannot read",
                    file: name, line: sink.parseError?.line ?? Int64(xmlSAX2GetLineNumber(parser)))
                error.column = sink.parseError?.column
                batch.failure = error
            }
        }

    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var text = self
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        return text
    }
}
