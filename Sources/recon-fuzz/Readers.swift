import Foundation
import ReconIngest
import ReconProviders

/// The readers directly, each over the whole input.
func exerciseJSON(_ bytes: [UInt8]) {
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
}

func exerciseCSV(_ bytes: [UInt8]) {
    guard let csv = try? CSVReader(source: MemoryByteSource(bytes)) else { return }
    while let row = try? csv.next() { _ = row.rawText }
}

/// Mostly corrupt gzip: must throw, never crash or hang.
func exerciseGzip(_ bytes: [UInt8]) {
    if let gz = try? GzipByteSource(base: MemoryByteSource(bytes)) { _ = try? readAll(gz) }
}

/// A zip archive is read from a file (its directory is at the end): the input is written to
/// one file per process, then read as `ZipArchive` and opened as recon opens any input.
func exerciseZip(_ bytes: [UInt8]) {
    let path = NSTemporaryDirectory() + "/recon-fuzz-\(getpid()).zip"
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
    defer { unlink(path) }
    if let archive = try? ZipArchive(path: path), let entry = try? archive.dataEntry(),
        let source = try? archive.open(entry)
    {
        _ = try? readAll(source)
    }
    if let input = try? InputOpener.open(path) { _ = try? readAll(input.source) }
}

/// Elements read whole at every depth (DTDs refused, errors thrown).
func exerciseXML(_ bytes: [UInt8]) {
    guard let xml = try? XMLReader(source: MemoryByteSource(bytes)) else { return }
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

/// The bytes as GB18030, Windows-1252 and UTF-16 text, and through encoding detection.
func exerciseText(_ bytes: [UInt8]) {
    for encoding in [TextEncoding.gb18030, .windows1252, .utf16LE, .utf16BE] {
        if let text = try? TranscodingByteSource(base: MemoryByteSource(bytes), encoding: encoding) {
            _ = try? readAll(text)
        }
    }
    if let input = try? InputOpener.open(source: MemoryByteSource(bytes)) { _ = try? readAll(input.source) }
}

/// Each bank statement reader over the bytes as if they were its format.
func exerciseBank(_ bytes: [UInt8]) {
    for format in [ContentFormat.mt940, .bai2, .ofx, .norma43] {
        let input = OpenedInput(
            source: MemoryByteSource(bytes), container: .plain, format: format, head: Array(bytes.prefix(65536)))
        _ = try? SettlementSourceReader.read(input, path: "fuzz", onRecord: { _ in }, onReject: { _ in })
    }
}
