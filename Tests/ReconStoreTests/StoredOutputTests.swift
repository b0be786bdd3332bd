import Foundation
import Testing

@testable import ReconStore

/// Report files are stored compressed and come back byte for byte; what an earlier recon
/// stored uncompressed comes back as it was; a damaged stored file is an error, not a trap.
@Suite struct StoredOutputTests {
    static func file(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "recon-stored-output-\(UUID().uuidString)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: [0, 1, 1 << 20, (1 << 20) + 17, 3 << 20])
    func aFileComesBackAsWritten(size: Int) throws {
        var generator = SystemRandomNumberGenerator()
        // CSV-like text with some noise: compressible, not trivially
        let row = Array("kind,match_key,amount\nmissing_in_settlement,MO0000001,12.34\n".utf8)
        let bytes = (0..<size).map { k in
            k % 97 == 0 ? UInt8.random(in: 0...255, using: &generator) : row[k % row.count]
        }
        let path = try Self.file(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let stored = try StoredOutput.compressed(file: path)
        #expect(stored.starts(with: [0x1F, 0x8B]))
        if size > 1_000 { #expect(stored.count < size / 2) }
        #expect(try StoredOutput.expanded(stored, name: "f") == bytes)
    }

    @Test func anUncompressedFileComesBackAsItWas() throws {
        let legacy = Array("kind,match_key\n".utf8)
        #expect(try StoredOutput.expanded(legacy, name: "f") == legacy)
        #expect(try StoredOutput.expanded([], name: "f") == [])
    }

    @Test func aDamagedFileIsAnError() throws {
        let path = try Self.file(Array(repeating: UInt8(ascii: "a"), count: 10_000))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let stored = try StoredOutput.compressed(file: path)
        #expect(throws: StoreError.self) {
            try StoredOutput.expanded(Array(stored.prefix(stored.count / 2)), name: "f")
        }
        var flipped = stored
        flipped[stored.count / 2] ^= 0xFF
        #expect(throws: StoreError.self) { try StoredOutput.expanded(flipped, name: "f") }
        #expect(throws: StoreError.self) { try StoredOutput.compressed(file: path + ".missing") }
    }
}
