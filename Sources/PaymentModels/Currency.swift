/// An ISO 4217 currency: its three-letter code and the number of decimals of its minor unit.
///
/// The exponent decides how a decimal amount becomes integer minor units (`JPY` 0, `USD` 2,
/// `KWD` 3), so a currency is only ever created from the ISO table; an unknown code is an error
/// for the caller to report, never a guess.
public struct Currency: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The three ASCII capitals packed into one integer (`"USD"` → `0x555344`): cheap to hash
    /// and compare on hot paths.
    public let packedCode: UInt32
    private let exponentDigits: UInt8

    /// Digits after the decimal point in the minor unit (ISO 4217 "E").
    public var exponent: Int { Int(exponentDigits) }

    init(packedCode: UInt32, exponent: Int) {
        self.packedCode = packedCode
        self.exponentDigits = UInt8(exponent)
    }

    /// The code as text, `"USD"`.
    public var code: String {
        let bytes = [
            UInt8(truncatingIfNeeded: packedCode >> 16), UInt8(truncatingIfNeeded: packedCode >> 8),
            UInt8(truncatingIfNeeded: packedCode),
        ]
        return String(decoding: bytes, as: UTF8.self)
    }

    public var description: String { code }

    /// 10^exponent, the number of minor units in one major unit.
    public var minorUnitsPerMajor: Int64 {
        var scale: Int64 = 1
        for _ in 0..<exponent { scale *= 10 }
        return scale
    }

    public static func < (lhs: Currency, rhs: Currency) -> Bool { lhs.packedCode < rhs.packedCode }

    /// Looks a code up in the ISO 4217 table, case-insensitively (`"usd"` is `USD`).
    public init?(code: String) {
        var code = code
        let found = code.withUTF8 { Currency(asciiCode: UnsafeRawBufferPointer($0)) }
        guard let found else { return nil }
        self = found
    }

    /// Looks up three ASCII letters without building a `String` (the hot path of every reader).
    public init?(asciiCode bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 3 else { return nil }
        var slot = 0
        var packed: UInt32 = 0
        for i in 0..<3 {
            var byte = bytes[i]
            if byte >= 0x61 && byte <= 0x7A { byte -= 0x20 }  // a-z → A-Z
            guard byte >= 0x41 && byte <= 0x5A else { return nil }
            slot = slot * 26 + Int(byte - 0x41)
            packed = packed << 8 | UInt32(byte)
        }
        let exponent = CurrencyTable.exponents[slot]
        guard exponent >= 0 else { return nil }
        self.init(packedCode: packed, exponent: Int(exponent))
    }

    /// All active ISO 4217 currencies, sorted by code.
    public static var all: [Currency] {
        CurrencyTable.exponents.indices.compactMap { slot in
            let exponent = CurrencyTable.exponents[slot]
            guard exponent >= 0 else { return nil }
            let a = UInt32(slot / 676) + 0x41
            let b = UInt32(slot / 26 % 26) + 0x41
            let c = UInt32(slot % 26) + 0x41
            return Currency(packedCode: a << 16 | b << 8 | c, exponent: Int(exponent))
        }
    }
}
