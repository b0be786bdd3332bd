/// The European Union's summer-time rule (since 1996): clocks go forward on the last Sunday of
/// March at 01:00 UTC and back on the last Sunday of October at 01:00 UTC. Exports written in
/// local time in Stockholm, Berlin, Paris or London (Swedbank Pay, PayPal's German download)
/// need it to be read as instants; a fixed `+01:00` would put every summer time an hour off.
public enum EuropeanTime: String, CaseIterable, Sendable {
    /// UTC+0, +1 in summer (Lisbon, Dublin, London).
    case western = "WET"
    /// UTC+1, +2 in summer (Stockholm, Berlin, Paris, Madrid, Rome, ...).
    case central = "CET"
    /// UTC+2, +3 in summer (Helsinki, Athens, Riga, ...).
    case eastern = "EET"

    /// IANA names recon maps onto these rules.
    public static let zones: [String: EuropeanTime] = [
        "Europe/Lisbon": .western, "Europe/Dublin": .western, "Europe/London": .western,
        "Europe/Stockholm": .central, "Europe/Berlin": .central, "Europe/Paris": .central, "Europe/Madrid": .central,
        "Europe/Rome": .central, "Europe/Amsterdam": .central, "Europe/Brussels": .central, "Europe/Vienna": .central,
        "Europe/Zurich": .central, "Europe/Oslo": .central, "Europe/Copenhagen": .central, "Europe/Warsaw": .central,
        "Europe/Prague": .central, "Europe/Budapest": .central, "Europe/Luxembourg": .central,
        "Europe/Helsinki": .eastern, "Europe/Athens": .eastern, "Europe/Riga": .eastern, "Europe/Vilnius": .eastern,
        "Europe/Tallinn": .eastern, "Europe/Sofia": .eastern, "Europe/Bucharest": .eastern,
    ]

    var standardSeconds: Int64 {
        switch self {
        case .western: 0
        case .central: 3600
        case .eastern: 7200
        }
    }

    /// The UTC offset in force at a local wall-clock time (milliseconds counted as if it were
    /// UTC). In October's repeated hour the summer offset is taken (the first of the two).
    public func offsetSeconds(localMilliseconds local: Int64) -> Int64 {
        let day: Int64 = 86_400_000
        let year = CivilDate.fromDays(local >= 0 ? local / day : (local - day + 1) / day).0
        func lastSunday(_ month: Int64) -> Int64 {
            let last = CivilDate.days(year: year, month: month, day: 31)
            let weekday = ((last + 4) % 7 + 7) % 7  // 1970-01-01 was a Thursday; 0 is Sunday
            return last - weekday
        }
        // the changes at 01:00 UTC, as local wall-clock times before each change
        let start = lastSunday(3) * day + (3600 + standardSeconds) * 1000
        let end = lastSunday(10) * day + (3600 + standardSeconds + 3600) * 1000
        return local >= start && local < end ? standardSeconds + 3600 : standardSeconds
    }
}
