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

    public func attribute(_ name: String) -> String? {
        for i in attributes.indices where attributes[i].name == name { return attributes[i].value }
        return nil
    }

    /// The index of the first child with this name (lookups by index read in place: returning
    /// copies of elements retained their arrays and strings at every step of a path).
    public func childIndex(_ name: String) -> Int? {
        for i in children.indices where children[i].name == name { return i }
        return nil
    }

    /// The first child with this name.
    public func child(_ name: String) -> XMLElement? { childIndex(name).map { children[$0] } }

    /// Every child with this name.
    public func children(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }

    /// The element down this path of first children (`entry.path("BkTxCd", "Domn", "Cd")`).
    public func path(_ names: String...) -> XMLElement? { path(names[...]) }

    public func path(_ names: ArraySlice<String>) -> XMLElement? {
        guard let name = names.first else { return self }
        guard let i = childIndex(name) else { return nil }
        return names.count == 1 ? children[i] : children[i].path(names.dropFirst())
    }

    /// The trimmed text at a path, nil when absent or blank.
    public func text(_ names: String...) -> String? { text(names[...]) }

    public func text(_ names: ArraySlice<String>) -> String? {
        guard let name = names.first else {
            let trimmed = trimmedText
            return trimmed.isEmpty ? nil : trimmed
        }
        guard let i = childIndex(name) else { return nil }
        return children[i].text(names.dropFirst())
    }

    /// The text without surrounding XML whitespace (space, tab, CR, LF).
    public var trimmedText: String {
        let utf8 = text.utf8
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        guard let first = utf8.first, let last = utf8.last, blank(first) || blank(last) else { return text }
        guard let start = utf8.firstIndex(where: { !blank($0) }), let end = utf8.lastIndex(where: { !blank($0) })
        else { return "" }
        return String(text[start...end])
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
    /// The same object, held directly: going through `Unmanaged` at every node retained and
    /// released it thirteen million times for a 100 MB statement.
    private let io: IOContext
    /// Local names of the open elements, outermost first.
    public private(set) var stack: [String] = []
    /// Names by libxml2's interned pointer: a small direct-mapped table, then a dictionary.
    @exclusivity(unchecked) private var nameSlots = [(UnsafeRawPointer?, String)](repeating: (nil, ""), count: 1024)
    @exclusivity(unchecked) private var names: [UnsafeRawPointer: String] = [:]
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
        io = IOContext(source: source)
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
                if let value = xmlTextReaderConstValue(reader), !(element.text.isEmpty && Self.isBlank(value)) {
                    element.text += String(cString: value)
                }
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

    /// Only XML whitespace (indentation between elements, which no adapter reads).
    static func isBlank(_ text: UnsafePointer<xmlChar>) -> Bool {
        var p = text
        while p.pointee != 0 {
            let c = p.pointee
            if c != 0x20 && c != 0x09 && c != 0x0A && c != 0x0D { return false }
            p += 1
        }
        return true
    }

    private func localName() -> String {
        guard let pointer = xmlTextReaderConstLocalName(reader) else { return "" }
        // libxml2 interns names in the reader's dictionary: one String per distinct name
        let key = UnsafeRawPointer(pointer)
        let slot = Int(truncatingIfNeeded: (UInt64(UInt(bitPattern: key)) &* 0x9E37_79B9_7F4A_7C15) >> 54)
        if nameSlots[slot].0 == key { return nameSlots[slot].1 }
        let name = names[key] ?? String(cString: pointer)
        names[key] = name
        nameSlots[slot] = (key, name)
        return name
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
