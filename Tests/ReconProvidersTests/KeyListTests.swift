import Testing

@testable import ReconProviders

/// A record's keys as the bank and provider readers gather them: trimmed, in order, each once,
/// placeholders and blanks left out; the alternates an array only when there are any.
@Suite struct KeyListTests {
    @Test func keysAreTrimmedKeptInOrderOnceWithoutPlaceholders() {
        var keys = KeyList(ignoring: .bank)
        for value in [nil, "", "   ", "NONREF", " E2E-1 ", "E2E-1", "NOTPROVIDED", "EREF", "NONE", "CR-1\r\n", "E2E-1"]
        {
            keys.add(value)
        }
        #expect(keys.key == "E2E-1")
        #expect(keys.alternates == ["CR-1"])
        // placeholders are whole values: text that holds one is a key
        for value in ["NONREFX", "EREF+1", "a reference longer than fifteen bytes", "B", "C", "D", "C", "E"] {
            keys.add(value)
        }
        #expect(
            keys.values == [
                "E2E-1", "CR-1", "NONREFX", "EREF+1", "a reference longer than fifteen bytes", "B", "C", "D", "E",
            ])
    }

    @Test func onlyTheChosenPlaceholdersAreLeftOut() {
        var camt = KeyList(ignoring: .notProvided)
        for value in ["NONREF", "NOTPROVIDED", "EREF"] { camt.add(value) }
        #expect(camt.values == ["NONREF", "EREF"])
        var plain = KeyList()
        plain.add("NOTPROVIDED")
        #expect(plain.key == "NOTPROVIDED" && plain.alternates == nil)
        #expect(KeyList().values.isEmpty)
    }
}
