import Testing

@testable import ReconProviders

/// The byte helpers the bank readers scan with: `memchr` jumps must find what a loop over the
/// bytes finds, at the edges too.
@Suite struct BankBytesTests {
    @Test(arguments: ["", "\n", "\n\n", "ab", "\nab", "ab\n", "a\n\nb", "?20EREF+1\n?21SVWZ+x\n", "\n a \n b \n"])
    func lineEndsAreRemovedAsAFilterWould(_ text: String) {
        var bytes = Array(text.utf8)
        BankBytes.removeLineEnds(&bytes)
        #expect(bytes == Array(text.utf8).filter { $0 != 0x0A })
    }

    @Test func indexFindsTheFirstByteInTheRangeOnly() {
        let bytes: [UInt8] = Array("a+b+c".utf8)
        bytes.withUnsafeBufferPointer { all in
            #expect(BankBytes.index(of: UInt8(ascii: "+"), in: all, 0..<5) == 1)
            #expect(BankBytes.index(of: UInt8(ascii: "+"), in: all, 2..<5) == 3)
            #expect(BankBytes.index(of: UInt8(ascii: "+"), in: all, 4..<5) == nil)
            #expect(BankBytes.index(of: UInt8(ascii: "+"), in: all, 1..<1) == nil)
        }
        #expect(BankBytes.number("0195".utf8) == 195 && BankBytes.number("".utf8) == nil)
        #expect(BankBytes.number("+195".utf8) == nil && BankBytes.number("1234567890".utf8) == nil)
    }
}
