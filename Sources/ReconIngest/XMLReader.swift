import CLibXML2

/// Streams an XML document from any byte source through libxml2's `xmlTextReader` (no tree
/// of the whole document): step from element start to element start, and read the small
/// elements worth keeping whole (`readElement`).
///
/// Safe by construction for files from outside: no network, no external entities, no DTD
/// loading, and a document that has a DTD at all (`<!DOCTYPE`) is refused, since a
/// settlement file has no use for one and it is how entity attacks are carried. libxml2's
/// own limits bound entity expansion and nesting. A malformed document is an `IngestError`
/// with line and column.
public final class XMLReader {
    public let name: String
    private let reader: xmlTextReaderPtr
    private let context: Unmanaged<IOContext>
    /// The same object, held directly: going through `Unmanaged` at every node retained and
    /// released it thirteen million times for a 100 MB statement.
    private let io: IOContext
    /// Local names of the open elements, outermost first.
    public private(set) var stack: [String] = []
    /// Every element and attribute name of the document, interned.
    let names = XMLNameTable()
    private var lastTreeNodes = 32
    private var lastTree: XMLTree?
    /// Set when the reader is on a start tag `nextStart` returned and `readElement` may read.
    private var atStart = false

    /// Holds the byte source for libxml2's read callback and the first error it reports.
    final class IOContext {
        let source: any ByteSource
        var readError: IngestError?
        var parseError: (message: String, line: Int64, column: Int64)?

        init(source: any ByteSource) { self.source = source }
    }

    public init(source: any ByteSource) throws(IngestError) {
        name = source.name
        io = IOContext(source: BufferedByteSource(base: source))
        context = Unmanaged.passRetained(io)
        let options = Int32(
            XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue
                | XML_PARSE_BIG_LINES.rawValue)
        guard
            let reader = xmlReaderForIO(
                { context, buffer, length in
                    guard let context, let buffer, length > 0 else { return 0 }
                    let io = Unmanaged<IOContext>.fromOpaque(context).takeUnretainedValue()
                    do throws(IngestError) {
                        let target = UnsafeMutableRawBufferPointer(start: buffer, count: Int(length))
                        return Int32(try io.source.read(into: target))
                    } catch {
                        io.readError = error
                        return -1
                    }
                }, nil, context.toOpaque(), source.name, nil, options)
        else {
            context.release()
            throw IngestError(.io, "libxml2 could not start a reader", file: source.name)
        }
        self.reader = reader
        recon_xml_silence_generic_errors()
        xmlTextReaderSetStructuredErrorHandler(
            reader,
            { context, error in
                guard let context, let error else { return }
                let io = Unmanaged<IOContext>.fromOpaque(context).takeUnretainedValue()
                guard io.parseError == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
                let message = error.pointee.message.map { String(cString: $0) } ?? "malformed XML"
                io.parseError = (
                    message.trimmingTrailingNewlines, Int64(error.pointee.line), Int64(error.pointee.int2)
                )
            }, context.toOpaque())
    }

    deinit {
        xmlFreeTextReader(reader)
        context.release()
    }

    /// The line of the current node (where its start tag is), or the parser's line.
    public var line: Int64 {
        if let node = xmlTextReaderCurrentNode(reader) {
            let line = xmlGetLineNo(node)
            if line > 0 { return Int64(line) }
        }
        return Int64(xmlTextReaderGetParserLineNumber(reader))
    }

    /// Moves to the next element start anywhere below (descending into the current element
    /// unless it was read whole); nil at the end of the document.
    public func nextStart() throws(IngestError) -> String? {
        if atStart {
            atStart = false
            if startWasEmpty { _ = stack.popLast() }  // `<a/>` has no end node to pop it
        }
        while try step() {
            switch xmlTextReaderNodeType(reader) {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                let name = localName()
                stack.append(name)
                startWasEmpty = xmlTextReaderIsEmptyElement(reader) == 1
                atStart = true
                return name
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                _ = stack.popLast()
            default:
                break
            }
        }
        return nil
    }

    private var startWasEmpty = false

    /// The namespace URI of the element `nextStart` returned (`urn:iso:std:iso:20022:...`).
    public var namespaceURI: String? {
        xmlTextReaderConstNamespaceUri(reader).map { String(cString: $0) }
    }

    /// Reads the element `nextStart` just returned, with everything inside it, and moves past
    /// its end.
    public func readElement() throws(IngestError) -> XMLElement {
        precondition(atStart, "readElement must follow nextStart")
        atStart = false
        _ = stack.popLast()
        return try readCurrentElement()
    }

    /// Reads the current element's subtree into a flat tree: names as interned numbers, text as
    /// byte ranges, no `String` until an adapter asks for a value.
    private func readCurrentElement() throws(IngestError) -> XMLElement {
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
        var open: [Int32] = [tree.addNode(name: localNameID(), line: Int32(clamping: line), parent: -1)]
        readAttributes(into: tree, node: 0)
        if xmlTextReaderIsEmptyElement(reader) == 1 { return XMLElement(tree: tree, node: 0) }
        while try step() {
            switch xmlTextReaderNodeType(reader) {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                let node = tree.addNode(name: localNameID(), line: Int32(clamping: line), parent: open[open.count - 1])
                readAttributes(into: tree, node: node)
                if xmlTextReaderIsEmptyElement(reader) == 0 { open.append(node) }
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue),
                Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue):
                if let value = xmlTextReaderConstValue(reader) { tree.addText(value, to: open[open.count - 1]) }
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                open.removeLast()
                if open.isEmpty { return XMLElement(tree: tree, node: 0) }
            default:
                break
            }
        }
        throw failure("the document ends inside <\(tree.element(0).name)>")
    }

    private func readAttributes(into tree: XMLTree, node: Int32) {
        guard xmlTextReaderHasAttributes(reader) == 1 else { return }
        while xmlTextReaderMoveToNextAttribute(reader) == 1 {
            let name = localNameID()
            if let value = xmlTextReaderConstValue(reader) { tree.addAttribute(name: name, value: value, to: node) }
        }
        xmlTextReaderMoveToElement(reader)
    }

    /// One node forward; false at the end. Refuses DTDs and entity references.
    private func step() throws(IngestError) -> Bool {
        // after an error the reader stays failed: a caller that goes on gets the same error,
        // never a half-read state (found by fuzzing: reading on after a failed readElement)
        if let failed { throw failed }
        do {
            return try stepOnce()
        } catch {
            failed = error
            throw error
        }
    }

    private var failed: IngestError?

    private func stepOnce() throws(IngestError) -> Bool {
        let status = xmlTextReaderRead(reader)
        if let error = io.readError { throw error }
        if status == -1 || io.parseError != nil {
            throw failure(io.parseError?.message ?? "malformed XML, or text in an encoding libxml2 cannot read")
        }
        guard status == 1 else { return false }
        switch xmlTextReaderNodeType(reader) {
        case Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue):
            throw IngestError(
                .unsafeXML,
                "the document declares a DTD (<!DOCTYPE ...>); recon refuses DTDs and entity declarations "
                    + "in settlement files, as they can read other files or expand without bound",
                file: name, line: line)
        case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue):
            throw IngestError(
                .unsafeXML, "the document uses an entity reference, which recon refuses", file: name, line: line)
        default:
            return true
        }
    }

    private func localName() -> String {
        let id = localNameID()  // first: it may add the name
        return names.strings[Int(id)]
    }

    private func localNameID() -> Int32 {
        guard let pointer = xmlTextReaderConstLocalName(reader) else { return names.id("") }
        return names.id(libxml: UnsafeRawPointer(pointer))
    }

    private func failure(_ message: String) -> IngestError {
        var error = IngestError(.malformedXML, message, file: name, line: io.parseError?.line ?? line)
        error.column = io.parseError?.column
        return error
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var text = self
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        return text
    }
}
