import PaymentModels
import ReconReports
import ReconTestSupport
import Testing

@Suite struct OutputFileTests {
    /// The byte-level amount writer must agree with `MinorUnits.format` everywhere.
    @Test func amountsMatchTheModelFormatting() throws {
        let dir = makeTemporaryDirectory()
        let values: [Int64] = [0, 1, -1, 9, 10, 99, 100, 101, -1250, 123_456_789, Int64.max, Int64.min]
        let file = try OutputFile(path: dir + "/amounts.csv")
        var expected = ""
        for exponent in 0...4 {
            for value in values {
                file.csvField(minorUnits: value, exponent: exponent)
                file.csvField(minorUnits: nil, exponent: exponent)
                file.csvField("a,\"b\"")
                try file.endCSVRow()
                expected += MinorUnits.format(value, exponent: exponent) + ",,\"a,\"\"b\"\"\"\n"
            }
        }
        try file.close()
        #expect(readFile(dir + "/amounts.csv") == expected)
    }
}
