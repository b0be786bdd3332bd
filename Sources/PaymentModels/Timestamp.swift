/// A point in time as milliseconds since 1970-01-01T00:00:00Z.
///
/// Integer, so it sorts, hashes and round-trips exactly; parsing is our own because
/// `DateFormatter` is slow and locale-dependent.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var millisecondsSince1970: Int64

    /// The instants recon reads from epoch numbers: years 0 to 9999, as dates are written.
    public static let range: ClosedRange<Int64> = -62_167_219_200_000...253_402_300_799_999

    public init(millisecondsSince1970: Int64) {
        self.millisecondsSince1970 = millisecondsSince1970
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }

    /// The UTC day the instant falls on, as days since 1970-01-01 (rounded down before 1970).
    public var daysSince1970: Int64 {
        let ms = millisecondsSince1970
        return ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
    }

    /// `2024-05-01T12:00:00.000Z`.
    public var description: String {
        let ms = millisecondsSince1970
        let secondsTotal = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let millis = ms - secondsTotal * 1000
        let days = secondsTotal >= 0 ? secondsTotal / 86400 : (secondsTotal - 86399) / 86400
        let secondOfDay = secondsTotal - days * 86400
        let (y, m, d) = CivilDate.fromDays(days)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(millis, 3))Z"
    }
}

/// Proleptic Gregorian calendar arithmetic (Howard Hinnant's days-from-civil).
public enum CivilDate {
    /// Days in `month` of `year` (Gregorian leap years).
    public static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public static func fromDays(_ z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// Why a date could not be read.
public struct DateError: Error, Equatable, Sendable, CustomStringConvertible {
    public var value: String
    public var description: String {
        "'\(value)' is not a date-time (expected YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM])"
    }
}

extension Timestamp {
    /// Parses RFC 3339 / ISO 8601 (`2023-11-07T05:31:56Z`, `…56.123+08:00`), the space form
    /// Yedpay and WeChat use (`2019-07-30 18:09:26`, taken as UTC unless `zoneOffsetSeconds`
    /// says otherwise) and a bare date (`2024-05-01`).
    public init(parsing bytes: UnsafeRawBufferPointer, zoneOffsetSeconds: Int64 = 0) throws(DateError) {
        guard let value = Timestamp.parse(bytes, defaultOffset: zoneOffsetSeconds) else {
            throw DateError(value: String(decoding: bytes, as: UTF8.self))
        }
        self = value
    }

    public init(parsing text: String) throws(DateError) {
        self = try withBytes(text) { (bytes) throws(DateError) in try Timestamp(parsing: bytes) }
    }

    static func parse(_ b: UnsafeRawBufferPointer, defaultOffset: Int64) -> Timestamp? {
        var i = 0
        func number(_ width: Int) -> Int64? {
            guard i + width <= b.count else { return nil }
            var v: Int64 = 0
            for k in i..<(i + width) {
                let c = b[k]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                v = v * 10 + Int64(c - 0x30)
            }
            i += width
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D),
            let day = number(2), (1...12).contains(month),
            (1...CivilDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }  // 2024-02-30 is an error, never rolled into March
        var seconds = CivilDate.days(year: year, month: month, day: day) * 86400
        var millis: Int64 = 0
        var offset = defaultOffset
        if i < b.count && (b[i] == 0x54 || b[i] == 0x20 || b[i] == 0x74) {
            i += 1
            guard let h = number(2), expect(0x3A), let m = number(2), h < 24 || (h == 24 && m == 0), m < 60 else {
                return nil
            }
            seconds += h * 3600 + m * 60
            if expect(0x3A) {
                guard let s = number(2), s < 61 else { return nil }
                seconds += s
                if i < b.count && (b[i] == 0x2E || b[i] == 0x2C) {
                    i += 1
                    var scale: Int64 = 100
                    var digits = 0
                    while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                        millis += Int64(b[i] - 0x30) * scale
                        scale /= 10
                        digits += 1
                        i += 1
                    }
                    guard digits > 0 else { return nil }
                }
            }
            if i < b.count {
                if b[i] == 0x5A || b[i] == 0x7A {
                    offset = 0
                    i += 1
                } else if b[i] == 0x2B || b[i] == 0x2D {
                    let sign: Int64 = b[i] == 0x2D ? -1 : 1
                    i += 1
                    guard let oh = number(2) else { return nil }
                    _ = expect(0x3A)
                    let om = number(2) ?? 0
                    offset = sign * (oh * 3600 + om * 60)
                }
            }
        }
        guard i == b.count else { return nil }
        return Timestamp(millisecondsSince1970: (seconds - offset) * 1000 + millis)
    }
}
