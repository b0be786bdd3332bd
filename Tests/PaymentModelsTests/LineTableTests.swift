import PaymentModels
import Testing

/// The compact line table gives back exactly the settlement lines it was given.
@Suite struct LineTableTests {
    static let eur = Currency(code: "EUR")!
    static let kwd = Currency(code: "KWD")!

    static func describe(_ r: SettlementRecord) -> String {
        "\(r.key) \(String(describing: r.alternateKeys)) \(String(describing: r.settlementId)) "
            + "\(String(describing: r.provider)) \(r.gross.minorUnits) \(r.gross.currency) "
            + "fee \(String(describing: r.fee)) net \(String(describing: r.net)) \(r.status) '\(r.rawStatus)' "
            + "\(r.kind) \(String(describing: r.batchId)) \(r.settlementCurrency) "
            + "rate \(String(describing: r.exchangeRate?.scaled)) "
            + "settled \(String(describing: r.settledAt?.millisecondsSince1970)) "
            + "payout \(String(describing: r.payoutAt?.millisecondsSince1970)) \(r.provenance) "
            + "byte \(r.provenance.position.byte) record \(r.provenance.position.record)"
    }

    /// Lines unlike each other in every part the table packs: optional texts absent, empty
    /// and present, converted lines, long keys, every kind and status.
    static func lines(_ n: Int) -> [SettlementRecord] {
        (0..<n).map { i in
            let converted = i % 7 == 3
            let paidIn = converted ? eur : kwd
            return SettlementRecord(
                key: i % 11 == 0 ? String(repeating: "k", count: 300 + i % 5) : "K-\(i)-ü",
                alternateKeys: i % 4 == 0 ? nil : (i % 4 == 1 ? [] : ["E2E-\(i)", "remittance \(i)"]),
                settlementId: i % 3 == 0 ? nil : (i % 3 == 1 ? "" : "stl_\(i)"),
                provider: i % 5 == 0 ? nil : "provider\(i % 2)",
                gross: Money(minorUnits: Int64(i) * (i % 2 == 0 ? -1_001 : 1_001), currency: kwd),
                fee: i % 6 == 0 ? nil : Money(minorUnits: Int64(i % 50), currency: paidIn),
                net: i % 8 == 0 ? nil : Money(minorUnits: Int64.min + 1 + Int64(i), currency: paidIn),
                status: SettlementStatus.allCases[i % SettlementStatus.allCases.count],
                rawStatus: i % 9 == 0 ? "" : "raw \(i)",
                settledAt: i % 10 == 0 ? nil : Timestamp(millisecondsSince1970: Int64(i) * 3_600_001),
                provenance: Provenance(
                    file: "settlement-\(i % 2).csv",
                    position: SourcePosition(byte: Int64(i) * 77, line: Int64(i) + 2, record: Int64(i) + 1),
                    locator: i % 3 == 0 ? .record : .line),
                kind: SettlementKind.allCases[i % SettlementKind.allCases.count],
                batchId: i % 4 == 2 ? "po_\(i / 10)" : nil,
                settlementCurrency: paidIn,
                exchangeRate: converted ? ExchangeRate(scaled: 9_876_543_210 + Int64(i)) : nil,
                payoutAt: i % 5 == 2 ? Timestamp(millisecondsSince1970: Int64(i) * 86_400_000) : nil)
        }
    }

    @Test func everyPartComesBackAcrossChunks() {
        let n = (1 << 16) + 700
        let given = Self.lines(n)
        let table = LineTable(given)
        #expect(table.count == n)
        #expect(table.map(Self.describe) == given.map(Self.describe))
    }

    /// A line appended from its parts and bytes (as a store reads it) is the line appended as a
    /// record; alternate keys come joined, so an empty list is none.
    @Test func partsAndBytesMakeTheSameLine() {
        var given = Self.lines(400)
        var table = LineTable()
        for line in given {
            let facts = LineFacts(
                gross: line.gross, fee: line.fee?.minorUnits, net: line.net?.minorUnits, status: line.status,
                kind: line.kind, settlementCurrency: line.settlementCurrency, exchangeRate: line.exchangeRate,
                settledMilliseconds: line.settledAt?.millisecondsSince1970, payoutAt: line.payoutAt,
                provenance: line.provenance)
            let texts = [line.key, line.settlementId, line.provider, line.rawStatus, line.batchId].map {
                $0.map { Array($0.utf8) }
            }
            let alternates = line.alternateKeys.map { Array($0.joined(separator: "\u{1F}").utf8) }
            func bytes(_ k: Int, _ body: (UnsafeRawBufferPointer?) -> Void) {
                guard let text = texts[k] else { return body(nil) }
                text.withUnsafeBytes { body($0) }
            }
            bytes(0) { key in
                bytes(1) { id in
                    bytes(2) { provider in
                        bytes(3) { raw in
                            bytes(4) { batch in
                                func append(_ joined: UnsafeRawBufferPointer?) {
                                    table.append(
                                        facts,
                                        texts: LineTexts(
                                            key: key!, settlementId: id, provider: provider, rawStatus: raw!,
                                            batchId: batch, alternates: joined))
                                }
                                if let alternates { alternates.withUnsafeBytes { append($0) } } else { append(nil) }
                            }
                        }
                    }
                }
            }
        }
        for k in given.indices where given[k].alternateKeys == [] { given[k].alternateKeys = nil }
        #expect(table.map(Self.describe) == given.map(Self.describe))
    }

    @Test func theColumnsMatchTheRecords() {
        let given = Self.lines(200)
        let table = LineTable(given)
        for slot in given.indices {
            let line = given[slot]
            #expect(table.kind(slot) == line.kind)
            #expect(table.status(slot) == line.status)
            #expect(table.gross(slot) == line.gross)
            #expect(table.fee(slot) == line.fee)
            #expect(table.net(slot) == line.net)
            #expect(table.provider(slot) == line.provider)
            #expect(table.alternateKeys(slot) == line.alternateKeys)
            #expect(table.isConverted(slot) == line.isConverted)
            #expect(table.hasBatch(slot) == (line.batchId != nil))
            #expect(table.withKey(slot) { String(decoding: $0, as: UTF8.self) } == line.key)
            if let fee = line.fee, let net = line.net, !line.isConverted {
                #expect(
                    table.netAddsUp(slot)
                        == (Int128(net.minorUnits) == Int128(line.gross.minorUnits) - Int128(fee.minorUnits)))
            }
        }
    }
}

/// The codes the tables store, and a finding's precedence, follow the declared order.
@Suite struct TableCodeTests {
    @Test func precedenceIsTheDeclaredOrder() {
        #expect(Discrepancy.Kind.allCases.map(\.precedence) == Array(Discrepancy.Kind.allCases.indices))
    }

    @Test func everyStatusAndSystemComesBack() {
        let payments = PaymentStatus.allCases.enumerated().map { i, status in
            Payment(
                system: PaymentSystem.allCases[i % PaymentSystem.allCases.count], keys: [PaymentKey(.id, "p\(i)")],
                amount: Money(minorUnits: 1, currency: Currency(code: "EUR")!), status: status, rawStatus: "",
                createdAt: nil, provenance: Provenance(file: "p", position: SourcePosition(byte: 0, line: 1, record: 1))
            )
        }
        let table = PaymentTable(payments)
        #expect(table.indices.map(table.status) == PaymentStatus.allCases)
        #expect(table.indices.map(table.system) == payments.map(\.system))
        let lines = LineTable(
            SettlementStatus.allCases.map { status in
                SettlementRecord(
                    key: "k", gross: Money(minorUnits: 1, currency: Currency(code: "EUR")!), status: status,
                    rawStatus: "",
                    provenance: Provenance(file: "s", position: SourcePosition(byte: 0, line: 1, record: 1)))
            })
        #expect(lines.indices.map(lines.status) == SettlementStatus.allCases)
    }
}
