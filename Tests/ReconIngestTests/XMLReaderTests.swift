import ReconIngest
import ReconTestSupport
import Testing

@Suite struct XMLReaderTests {
    static let document = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
          <Stmt>
            <Id>S1</Id>
            <Ntry><Amt Ccy="EUR">12.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Empty/>
              <NtryDtls><TxDtls><Refs><EndToEndId>E2E-1</EndToEndId></Refs></TxDtls></NtryDtls>
            </Ntry>
            <Ntry><Amt Ccy="JPY">500</Amt><Note><![CDATA[a & b]]></Note></Ntry>
          </Stmt>
        </Document>
        """

    /// Start tags with their parents, and the entries read whole.
    static func walk(_ source: any ByteSource) throws -> (starts: [String], entries: [XMLElement]) {
        let reader = try XMLReader(source: source)
        var starts: [String] = []
        var entries: [XMLElement] = []
        while let name = try reader.nextStart() {
            starts.append(reader.stack.joined(separator: "/"))
            if name == "Ntry" { entries.append(try reader.readElement()) }
        }
        #expect(reader.stack.isEmpty)
        return (starts, entries)
    }

    @Test(arguments: Chunking.allCases)
    func elementsStreamAndEntriesReadWhole(chunking: Chunking) throws {
        let (starts, entries) = try Self.walk(ChunkedByteSource(bytes(Self.document), chunking))
        #expect(starts == ["Document", "Document/Stmt", "Document/Stmt/Id", "Document/Stmt/Ntry", "Document/Stmt/Ntry"])
        #expect(entries.count == 2)
        #expect(entries[0].child("Amt")?.attribute("Ccy") == "EUR")
        #expect(entries[0].text("Amt") == "12.50")
        #expect(entries[0].text("NtryDtls", "TxDtls", "Refs", "EndToEndId") == "E2E-1")
        #expect(entries[0].child("Empty") != nil && entries[0].text("Empty") == nil)
        #expect(entries[0].line == 5)
        #expect(entries[1].text("Note") == "a & b")
        #expect(entries[1].line == 8)
    }

    @Test func gzipIsReadThrough() throws {
        let input = try InputOpener.open(source: MemoryByteSource(GzipFixture.member(bytes(Self.document))))
        #expect(input.format == .xml)
        #expect(try Self.walk(input.source).entries.count == 2)
    }

    @Test func malformedXMLNamesLineAndColumn() throws {
        let broken = "<a>\n  <b>text</c>\n</a>\n"
        do {
            _ = try Self.walk(MemoryByteSource(bytes(broken)))
            Issue.record("malformed XML was accepted")
        } catch let error as IngestError {
            #expect(error.code == .malformedXML)
            #expect(error.line == 2)
            #expect(error.column != nil)
            #expect(error.message.contains("mismatch") || error.message.contains("Opening and ending tag"))
        }
    }

    @Test(arguments: [
        // XXE: an external entity reading a local file
        "<?xml version=\"1.0\"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<d>&x;</d>",
        // billion laughs
        "<?xml version=\"1.0\"?>\n<!DOCTYPE d [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\n<d>&b;</d>",
        // an external DTD
        "<?xml version=\"1.0\"?>\n<!DOCTYPE d SYSTEM \"http://example.com/d.dtd\">\n<d/>",
    ])
    func dtdsAndEntitiesAreRefused(document: String) throws {
        do {
            _ = try Self.walk(MemoryByteSource(bytes(document)))
            Issue.record("a document with a DTD was read")
        } catch let error as IngestError {
            #expect(error.code == .unsafeXML)
            #expect(error.message.contains("DTD"))
        }
    }

    @Test func truncatedDocumentIsAnError() throws {
        let cut = String(Self.document.prefix(Self.document.count - 30))
        #expect(throws: IngestError.self) { _ = try Self.walk(MemoryByteSource(bytes(cut))) }
    }
}

@Suite struct XMLReaderFailureTests {
    /// Found by fuzzing: reading on after a failed `readElement` must not crash; the reader
    /// stays failed and says so again.
    @Test func readingOnAfterAnErrorRethrowsIt() throws {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-7\"?>\n<Document><Stmt><Ntry><Amt Ccy=\"EUR\">1:00<</Amt></Ntry></Stmt></Document>\n"
        let reader = try XMLReader(source: MemoryByteSource(bytes(text)))
        var errors = 0
        for _ in 0..<10 {
            do {
                guard try reader.nextStart() != nil else { break }
                _ = try? reader.readElement()
            } catch {
                errors += 1
            }
        }
        #expect(errors > 1)  // the same error, each time it is asked again
    }

    /// An element read whole is bounded: a million empty children inside one entry is refused
    /// with the element and its line, not held in memory (nor is deep nesting a problem: the
    /// tree is built with an explicit stack).
    @Test func elementReadWholeIsBounded() throws {
        let wide = "<Doc>\n<Ntry>" + String(repeating: "<a/>", count: 1_000_001) + "</Ntry></Doc>"
        let reader = try XMLReader(source: MemoryByteSource(bytes(wide)))
        #expect(try reader.nextStart() == "Doc")
        #expect(try reader.nextStart() == "Ntry")
        do {
            _ = try reader.readElement()
            Issue.record("a million and one elements were read whole")
        } catch {
            #expect(error.code == .limitExceeded)
            #expect(error.message.contains("<Ntry> starting at line 2 holds more than 1000000 elements"))
        }
        let deep = "<Doc><Ntry>" + String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000) + "</Ntry></Doc>"
        let nested = try XMLReader(source: MemoryByteSource(bytes(deep)))
        _ = try nested.nextStart()
        _ = try nested.nextStart()
        var element = try nested.readElement()
        var depth = 0
        while let child = element.children.first { element = child; depth += 1 }
        #expect(depth == 10_000)
    }
}
