import PaymentModels
import Testing

@Suite struct MoneyParsingTests {
    static let usd = Currency(code: "USD")!
    static let jpy = Currency(code: "JPY")!
    static let kwd = Currency(code: "KWD")!
    static let clf = Currency(code: "CLF")!

    @Test(arguments: [
        ("12.5", "USD", 1250), ("42", "USD", 4200), ("0.01", "USD", 1), ("-3.10", "USD", -310),
        ("+7", "USD", 700), ("12.340", "USD", 1234), (".5", "USD", 50), ("7.", "USD", 700),
        (" 1.25 ", "USD", 125), ("1500", "JPY", 1500), ("1500.0", "JPY", 1500), ("1.234", "KWD", 1234),
        ("1.2", "KWD", 1200), ("0.001", "BHD", 1), ("1.0001", "CLF", 10001), ("9.99", "TND", 9990),
        ("92233720368547758.07", "USD", Int64.max),
    ] as [(String, String, Int64)])
    func parsesMajorUnits(text: String, code: String, minor: Int64) throws {
        #expect(try AmountParser.parseMajor(text, currency: Currency(code: code)!) == minor)
    }

    @Test(arguments: [
        ("1.234", "USD", AmountError.tooManyDecimals("1.234", currency: "USD", allowed: 2)),
        ("1.5", "JPY", .tooManyDecimals("1.5", currency: "JPY", allowed: 0)),
        ("1.2345", "KWD", .tooManyDecimals("1.2345", currency: "KWD", allowed: 3)),
        ("12abc", "USD", .notANumber("12abc")), ("1,50", "USD", .notANumber("1,50")),
        ("1e5", "USD", .notANumber("1e5")), ("", "USD", .empty), ("   ", "USD", .empty),
        ("-", "USD", .notANumber("-")), (".", "USD", .notANumber(".")), ("1.2.3", "USD", .notANumber("1.2.3")),
        ("$5", "USD", .notANumber("$5")), ("1 000", "USD", .notANumber("1 000")),
        ("92233720368547758.08", "USD", .overflow("92233720368547758.08")),
        ("99999999999999999999", "JPY", .overflow("99999999999999999999")),
    ] as [(String, String, AmountError)])
    func rejects(text: String, code: String, error: AmountError) {
        #expect(throws: error) { try AmountParser.parseMajor(text, currency: Currency(code: code)!) }
    }

    @Test func minorUnitsAreIntegers() throws {
        #expect(try AmountParser.parseMinor("1234") == 1234)
        #expect(try AmountParser.parseMinor("-5") == -5)
        #expect(throws: AmountError.tooManyDecimals("12.5", currency: "minor units", allowed: 0)) {
            try AmountParser.parseMinor("12.5")
        }
    }

    @Test(arguments: [
        ("USD/2", 1234, "12.34 USD"), ("JPY/0", 1500, "1500 JPY"), ("USD", 1234, "12.34 USD"),
        ("usd/2", 5, "0.05 USD"), ("USD/3", 12340, "12.34 USD"), ("KWD/2", 123, "1.230 KWD"),
        ("EUR/0", 12, "12.00 EUR"),
    ] as [(String, Int64, String)])
    func formanceAssets(asset: String, minor: Int64, expected: String) throws {
        #expect(try Asset(parsing: asset).money(minorUnits: minor).description == expected)
    }

    @Test func assetsThatLoseDigitsAreRejected() throws {
        #expect(throws: AmountError.self) { try Asset(parsing: "USD/3").money(minorUnits: 12345) }
        #expect(throws: AmountError.unknownCurrency("XXX/2")) { try Asset(parsing: "XXX/2") }
        #expect(throws: AmountError.unknownCurrency("USD/x")) { try Asset(parsing: "USD/x") }
    }

    @Test func currencyTable() {
        #expect(Currency.all.count > 150)
        for (code, exponent) in [("JPY", 0), ("KRW", 0), ("USD", 2), ("EUR", 2), ("KWD", 3), ("BHD", 3),
                                 ("JOD", 3), ("OMR", 3), ("TND", 3), ("IQD", 3), ("LYD", 3), ("CLF", 4)] {
            #expect(Currency(code: code)?.exponent == exponent, "\(code)")
        }
        #expect(Currency(code: "usd") == Currency(code: "USD"))
        #expect(Currency(code: "XYZ") == nil)
        #expect(Currency(code: "XAU") == nil)  // no minor unit
        #expect(Currency(code: "US") == nil)
        #expect(Currency(code: "US1") == nil)
    }

    @Test(arguments: [
        (1250, "USD", "12.50"), (-1, "USD", "-0.01"), (0, "KWD", "0.000"), (1500, "JPY", "1500"),
        (-1250, "KWD", "-1.250"), (Int64.min, "USD", "-92233720368547758.08"),
    ] as [(Int64, String, String)])
    func formatsWithTheExponent(minor: Int64, code: String, text: String) {
        #expect(Money(minorUnits: minor, currency: Currency(code: code)!).decimalString == text)
    }

    @Test func timestamps() throws {
        #expect(try Timestamp(parsing: "1970-01-01T00:00:00Z").millisecondsSince1970 == 0)
        #expect(try Timestamp(parsing: "2023-11-07T05:31:56Z").description == "2023-11-07T05:31:56.000Z")
        #expect(try Timestamp(parsing: "2024-05-01T08:00:00.250+08:00").description == "2024-05-01T00:00:00.250Z")
        #expect(try Timestamp(parsing: "2019-07-30 18:09:26").description == "2019-07-30T18:09:26.000Z")
        #expect(try Timestamp(parsing: "2024-02-29").description == "2024-02-29T00:00:00.000Z")
        #expect(throws: DateError.self) { try Timestamp(parsing: "2024-13-01") }
        #expect(throws: DateError.self) { try Timestamp(parsing: "yesterday") }
        #expect(throws: DateError.self) { try Timestamp(parsing: "2024-05-01T10:00:00Zjunk") }
    }
}

@Suite struct EuropeanTimeAndRatesTests {
    /// The EU changes at 01:00 UTC on the last Sundays of March and October.
    @Test func summerTimeStartsAndEndsOnTheLastSundays() throws {
        func offset(_ local: String, _ rule: EuropeanTime = .central) throws -> Int64 {
            rule.offsetSeconds(localMilliseconds: try Timestamp(parsing: local).millisecondsSince1970)
        }
        #expect(try offset("2024-03-31T01:59:59Z") == 3600 && offset("2024-03-31T03:00:00Z") == 7200)
        #expect(try offset("2024-10-27T02:59:59Z") == 7200 && offset("2024-10-27T03:00:00Z") == 3600)
        #expect(try offset("2023-03-26T03:30:00Z") == 7200 && offset("2023-03-25T12:00:00Z") == 3600)
        #expect(try offset("2024-07-01T12:00:00Z", .western) == 3600 && offset("2024-01-01T12:00:00Z", .eastern) == 7200)
    }

    @Test func ratesAreExactAndConvertWithRounding() throws {
        let rate = try ExchangeRate(parsing: "1.0656568")
        #expect(rate.description == "1.0656568")
        let eur = Currency(code: "EUR")!, usd = Currency(code: "USD")!, jpy = Currency(code: "JPY")!
        #expect(rate.convert(Money(minorUnits: 535, currency: eur), to: usd)?.minorUnits == 570)
        #expect(try ExchangeRate(parsing: "0.0061").convert(Money(minorUnits: 7500, currency: jpy), to: eur)?.minorUnits == 4575)
        #expect(try ExchangeRate(parsing: "1.5").convert(Money(minorUnits: -3, currency: usd), to: usd)?.minorUnits == -5)
        #expect(throws: AmountError.self) { try ExchangeRate(parsing: "0") }
        #expect(throws: AmountError.self) { try ExchangeRate(parsing: "1.23456789012") }  // 11 decimals
        #expect(throws: AmountError.self) { try ExchangeRate(parsing: "1,2") }
        #expect(ExchangeRate(scaled: Int64.max)!.convert(Money(minorUnits: Int64.max, currency: usd), to: usd) == nil)
    }

    @Test func roundingRules() {
        #expect(RoundingRule.halfUp.divide(125, byPowerOfTen: 1) == 13 && RoundingRule.halfUp.divide(-125, byPowerOfTen: 1) == -13)
        #expect(RoundingRule.halfEven.divide(125, byPowerOfTen: 1) == 12 && RoundingRule.halfEven.divide(135, byPowerOfTen: 1) == 14)
        #expect(RoundingRule.down.divide(-129, byPowerOfTen: 1) == -12 && RoundingRule.halfUp.divide(5, byPowerOfTen: 19) == nil)
    }
}

/// Amounts for people (report.md, report.html): thousands separated, the currency named.
@Suite struct GroupedAmountTests {
    @Test(arguments: [
        (Int128(0), 2, "0.00"), (5, 2, "0.05"), (123_456, 2, "1,234.56"), (-123_456_789, 2, "-1,234,567.89"),
        (1_000_000, 0, "1,000,000"), (999, 0, "999"), (-1_000, 3, "-1.000"), (12_345_678, 3, "12,345.678"),
    ])
    func groupsThousands(minor: Int128, exponent: Int, text: String) {
        #expect(MinorUnits.grouped(minor, exponent: exponent) == text)
    }

    @Test func moneyNamesItsCurrency() throws {
        let yen = try #require(Currency(code: "JPY"))
        #expect(Money(minorUnits: 1_234_567, currency: yen).grouped == "1,234,567 JPY")
        #expect(Money(minorUnits: .max, currency: try #require(Currency(code: "USD"))).grouped == "92,233,720,368,547,758.07 USD")
    }
}
