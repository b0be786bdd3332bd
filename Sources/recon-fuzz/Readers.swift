import ReconIngest

/// The readers directly, over the same bytes: JSON, CSV, gzip, XML and text conversion.
func exerciseReaders(_ bytes: [UInt8]) {
    guard let reader = try? JSONReader(source: MemoryByteSource(bytes)) else { return }
    var n = 0
    while n < 100_000 {
        guard let item = try? reader.next() else { break }
        if case .record(let r) = item {
            _ = r.value["id"]?.string
            _ = r.value.members(["a", "b", "data"])
            _ = r.rawText
        }
        n += 1
    }
    // CSV over the same bytes
    if let csv = try? CSVReader(source: MemoryByteSource(bytes)) {
        while let row = try? csv.next() { _ = row.rawText }
    }
    // gzip over the same bytes (mostly corrupt): must throw, never crash or hang
    if let gz = try? GzipByteSource(base: MemoryByteSource(bytes)) { _ = try? readAll(gz) }
    // XML, elements read whole at every depth (DTDs refused, errors thrown)
    if let xml = try? XMLReader(source: MemoryByteSource(bytes)) {
        var k = 0
        while k < 10_000, let name = try? xml.nextStart() {
            k += 1
            if k % 3 == 0, let element = try? xml.readElement() {
                _ = element.text("Amt")
                _ = element.child("Refs")?.attribute("Ccy")
                _ = element.children.count
                _ = element.trimmedText + name
            }
        }
    }
    // the same bytes as GB18030 and UTF-16 text
    for encoding in [TextEncoding.gb18030, .utf16LE] {
        if let text = try? TranscodingByteSource(base: MemoryByteSource(bytes), encoding: encoding) {
            _ = try? readAll(text)
        }
    }
}
