import PaymentModels
import Testing

/// The compact payment table gives back exactly the payments it was given, whatever they hold.
@Suite struct PaymentTableTests {
    static let kwd = Currency(code: "KWD")!
    static let jpy = Currency(code: "JPY")!

    static func describe(_ p: Payment) -> String {
        "\(p.system) \(p.keys.map { "\($0.field)=\($0.value)" }) \(p.amount.minorUnits) \(p.amount.currency) "
            + "fee \(String(describing: p.fee)) net \(String(describing: p.net)) "
            + "ordered \(String(describing: p.orderedAmount)) \(p.status) '\(p.rawStatus)' "
            + "\(String(describing: p.createdAt?.millisecondsSince1970)) \(p.provenance) "
            + "byte \(p.provenance.position.byte) record \(p.provenance.position.record)"
    }

    /// Payments unlike each other in every field the table packs.
    static func payments(_ n: Int) -> [Payment] {
        (0..<n).map { i in
            let long = String(repeating: "x", count: 200 + i % 7)  // a key past one length byte
            var keys: [PaymentKey] = [PaymentKey(.reference, "R-\(i)"), PaymentKey(.id, "pi_\(i)_é")]
            if i % 3 == 0 { keys.append(PaymentKey(.transactionId, long)) }
            if i % 5 == 0 {  // more keys than the model keeps inline
                keys += [PaymentKey(.customId, "C\(i)"), PaymentKey(.chargeId, "ch\(i)"), PaymentKey(.paymentId, "")]
            }
            let currency = i % 2 == 0 ? kwd : jpy
            var payment = Payment(
                system: PaymentSystem.allCases[i % PaymentSystem.allCases.count], keys: keys,
                amount: Money(minorUnits: Int64(i) * (i % 4 == 0 ? -1 : 1) * 1_000_003, currency: currency),
                fee: i % 4 == 1 ? Money(minorUnits: Int64(i % 97), currency: currency) : nil,
                net: i % 6 == 1 ? Money(minorUnits: Int64.max - Int64(i), currency: currency) : nil,
                status: PaymentStatus.allCases[i % PaymentStatus.allCases.count],
                rawStatus: i % 8 == 0 ? "" : "raw \(i)",
                createdAt: i % 9 == 0 ? nil : Timestamp(millisecondsSince1970: Int64(i) * 86_399_999 - 5),
                provenance: Provenance(
                    file: "payments-\(i % 3).jsonl",
                    position: SourcePosition(byte: Int64(i) * 131, line: Int64(i) + 1, record: Int64(i)),
                    locator: i % 2 == 0 ? .line : .record))
            if i % 10 == 3 { payment.orderedAmount = Money(minorUnits: 12_345, currency: currency) }
            return payment
        }
    }

    @Test func everyFieldComesBackAcrossChunks() {
        let n = PaymentTable.chunkSize + 1_500
        let given = Self.payments(n)
        let table = PaymentTable(given)
        #expect(table.count == n)
        for p in [0, 1, 2, 3, 5, 8, 15, 1_000, PaymentTable.chunkSize - 1, PaymentTable.chunkSize, n - 1] {
            #expect(Self.describe(table[p]) == Self.describe(given[p]))
            #expect(table[p].keys == given[p].keys)
            #expect(table.amount(p) == given[p].amount)
            #expect(table.status(p) == given[p].status)
            #expect(table.system(p) == given[p].system)
            #expect(table.createdAt(p) == given[p].createdAt)
            #expect(table.keyCount(p) == given[p].keys.count)
        }
        #expect(table.map(Self.describe) == given.map(Self.describe))
    }

    /// A payment appended from its parts and bytes (as a store reads it) is the payment appended
    /// as a model.
    @Test func partsAndBytesMakeTheSamePayment() {
        let given = Self.payments(300)
        var table = PaymentTable()
        for p in given {
            let facts = PaymentFacts(
                system: p.system, status: p.status, amount: p.amount, fee: p.fee?.minorUnits, net: p.net?.minorUnits,
                ordered: p.orderedAmount?.minorUnits, createdMilliseconds: p.createdAt?.millisecondsSince1970,
                provenance: p.provenance)
            let keys = p.keys.map { ($0.field, Array($0.value.utf8)) }
            Array(p.rawStatus.utf8).withUnsafeBytes { rawStatus in
                table.append(facts, rawStatus: rawStatus) { visit in
                    for (field, value) in keys { value.withUnsafeBytes { visit(field, $0) } }
                }
            }
        }
        #expect(table.map(Self.describe) == given.map(Self.describe))
        #expect(table.map(\.keys) == given.map(\.keys))
    }

    @Test func keysAreComparedAsBytes() {
        let given = Self.payments(31)
        let table = PaymentTable(given)
        for p in given.indices {
            var seen: [String] = []
            table.forEachKey(of: p) { k, field, bytes in
                seen.append("\(field)=\(String(decoding: bytes, as: UTF8.self))")
                let value = Array(given[p].keys[k].value.utf8)
                #expect(value.withUnsafeBytes { table.key(of: p, at: k, equals: $0) })
                let other = Array((given[p].keys[k].value + "!").utf8)
                #expect(!other.withUnsafeBytes { table.key(of: p, at: k, equals: $0) })
            }
            #expect(seen == given[p].keys.map { "\($0.field)=\($0.value)" })
        }
    }

    @Test func rowsCopiedFromAnotherChunkAreRenumberedAndWhole() {
        let given = Self.payments(40)
        var helper = PaymentChunk(capacity: 40)
        for payment in given { helper.append(payment) }
        helper.updatePositions { $0 = SourcePosition(byte: $0.byte, line: $0.line + 1_000, record: $0.record + 7) }
        var chunk = PaymentChunk()
        for row in 0..<helper.count { chunk.append(row, of: helper) }
        #expect(chunk.count == 40)
        for row in 0..<40 {
            var expected = given[row]
            let at = expected.provenance.position
            expected.provenance.position = SourcePosition(byte: at.byte, line: at.line + 1_000, record: at.record + 7)
            #expect(Self.describe(chunk.payment(row)) == Self.describe(expected))
        }
    }
}
