import CLibXML2

/// One element and everything inside it, read whole: small enough for a bank entry (`Ntry`)
/// or a header, never a whole statement.
public struct XMLElement: Sendable {
    public struct Attribute: Sendable {
        public var name: String
        public var value: String
    }

    /// The local name, without its namespace prefix.
    public var name: String
    public var attributes: [Attribute] = []
    /// The element's own text (its text children joined), untrimmed.
    public var text = ""
    public var children: [XMLElement] = []
    /// The line the element starts on.
    public var line: Int64 = 0

    public init(name: String, line: Int64 = 0) {
        self.name = name
        self.line = line
    }

    public func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }

    /// The first child with this name.
    public func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }

    /// Every child with this name.
    public func children(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }

    /// The element down this path of first children (`entry.path("BkTxCd", "Domn", "Cd")`).
    public func path(_ names: String...) -> XMLElement? { path(names) }

    public func path(_ names: [String]) -> XMLElement? {
        var current = self
        for name in names {
            guard let next = current.child(name) else { return nil }
            current = next
        }
        return current
    }

    /// The trimmed text at a path, nil when absent or blank.
    public func text(_ names: String...) -> String? {
        guard let element = path(names) else { return nil }
        let trimmed = element.trimmedText
        return trimmed.isEmpty ? nil : trimmed
    }

    public var trimmedText: String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}

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
    /// Local names of the open elements, outermost first.
    public private(set) var stack: [String] = []
    private var names: [UnsafeRawPointer: String] = [:]
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
        context = Unmanaged.passRetained(IOContext(source: source))
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
            if startWasEmpty { stack.removeLast() }  // `<a/>` has no end node to pop it
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
                stack.removeLast()
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

    private func readCurrentElement() throws(IngestError) -> XMLElement {
        var element = XMLElement(name: localName(), line: line)
        if xmlTextReaderHasAttributes(reader) == 1 {
            while xmlTextReaderMoveToNextAttribute(reader) == 1 {
                let value = xmlTextReaderConstValue(reader).map { String(cString: $0) } ?? ""
                element.attributes.append(XMLElement.Attribute(name: localName(), value: value))
            }
            xmlTextReaderMoveToElement(reader)
        }
        if xmlTextReaderIsEmptyElement(reader) == 1 { return element }
        while try step() {
            switch xmlTextReaderNodeType(reader) {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                element.children.append(try readCurrentElement())
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue),
                Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue):
                if let value = xmlTextReaderConstValue(reader) { element.text += String(cString: value) }
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                return element
            default:
                break
            }
        }
        throw failure("the document ends inside <\(element.name)>")
    }

    /// One node forward; false at the end. Refuses DTDs and entity references.
    private func step() throws(IngestError) -> Bool {
        let status = xmlTextReaderRead(reader)
        let io = context.takeUnretainedValue()
        if let error = io.readError { throw error }
        if status == -1 || io.parseError != nil {
            throw failure(io.parseError?.message ?? "malformed XML")
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
        guard let pointer = xmlTextReaderConstLocalName(reader) else { return "" }
        // libxml2 interns names in the reader's dictionary: one String per distinct name
        let key = UnsafeRawPointer(pointer)
        if let known = names[key] { return known }
        let name = String(cString: pointer)
        names[key] = name
        return name
    }

    private func failure(_ message: String) -> IngestError {
        let io = context.takeUnretainedValue()
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
