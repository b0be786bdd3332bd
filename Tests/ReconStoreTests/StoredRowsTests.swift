import PaymentModels
import Testing

@testable import ReconStore

/// The keys column read back: what recon writes comes back; what it never writes (more keys
/// than there are fields, an unknown field) is refused, so a damaged store is an error naming
/// the payment, not a trap in the key index.
@Suite struct StoredRowsTests {
    @Test func keysWrittenComeBack() {
        var keys = PaymentKeys()
        keys.add(.reference, "R-1")
        keys.add(.transactionId, "t\u{1}x")
        keys.add(.id, "pi_1")
        var bytes: [UInt8] = []
        StoredRows.append(keys, to: &bytes)
        #expect(Self.keys(String(decoding: bytes, as: UTF8.self)) == Array(keys))
    }

    /// The keys column read as `StoredRows` reads it.
    static func keys(_ column: String) -> [PaymentKey]? {
        Array(column.utf8).withUnsafeBytes { column in
            guard StoredRows.keyCount(column) != nil else { return nil }
            var keys: [PaymentKey] = []
            StoredRows.forEachKey(column) { keys.append(PaymentKey($0, String(decoding: $1, as: UTF8.self))) }
            return keys
        }
    }

    @Test func keysReconNeverWritesAreRefused() {
        let many = (0...KeyField.allCases.count).map { "0=k\($0)" }.joined(separator: "\u{1F}")
        #expect(Self.keys(many) == nil)
        #expect(Self.keys("99=k") == nil)
        #expect(Self.keys("") == nil)
        #expect(Self.keys("0=only") == [PaymentKey(.reference, "only")])
        #expect(Self.keys("256=k") == nil)
        #expect(Self.keys("=k") == nil)
        #expect(Self.keys("0=a\u{1F}") == nil)  // an empty part: no field
        #expect(Self.keys("0=") == [PaymentKey(.reference, "")])
    }
}
