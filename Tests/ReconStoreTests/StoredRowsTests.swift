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
        let back = StoredRows.keys(String(decoding: bytes, as: UTF8.self))
        #expect(back == Array(keys))
    }

    @Test func keysReconNeverWritesAreRefused() {
        let many = (0...KeyField.allCases.count).map { "0=k\($0)" }.joined(separator: "\u{1F}")
        #expect(StoredRows.keys(many) == nil)
        #expect(StoredRows.keys("99=k") == nil)
        #expect(StoredRows.keys("") == nil)
        #expect(StoredRows.keys("0=only") == [PaymentKey(.reference, "only")])
    }
}
