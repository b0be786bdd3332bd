import Testing

@testable import ReconProviders

/// What a German `:86:` says, read over its bytes: GVC code, SEPA references, remittance text,
/// whether the posting text says the money came back, and the counterparty when asked for (a
/// statement's reading does not ask: no record carries it).
@Suite struct MT940InformationTests {
    static let credit = Array(
        ("166?00SEPA-GUTSCHRIFT?100599?20EREF+INV-1-0?21SVWZ+Rechnung INV-1-0 danke?30COBADEFFXXX"
            + "?31DE89370400440532013000?32MUSTERMANN GMBH?33UND SOEHNE").utf8)

    @Test func germanTextIsReadWithItsCounterpartyWhenAskedFor() {
        let info = MT940Fields.information(Self.credit)
        #expect(info.code == "166")
        #expect(info.references.values == ["INV-1-0"])
        #expect(info.remittance == "Rechnung INV-1-0 danke")
        #expect(!info.returned)
        #expect(info.counterpartyAccount == "DE89370400440532013000")
        #expect(info.counterpartyName == "MUSTERMANN GMBHUND SOEHNE")
        let plain = MT940Fields.information(Self.credit, counterparty: false)
        #expect(plain.counterpartyAccount == nil && plain.counterpartyName == nil)
        #expect(plain.code == "166" && plain.references.values == ["INV-1-0"] && plain.remittance == info.remittance)
    }

    @Test func aReturnIsSeenInThePostingTextWithoutCase() {
        let info = MT940Fields.information(Array("159?00Retourenbuchung?20EREF+X-9?21SVWZ+RUECKLASTSCHRIFT".utf8))
        #expect(info.returned && info.code == "159")
        #expect(!MT940Fields.information(Array("166?00GUTSCHRIFT?20SVWZ+RETOUR".utf8)).returned)
    }
}
