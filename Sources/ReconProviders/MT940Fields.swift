import PaymentModels

/// The grammar of MT940's fields, as banks write them: balances (`:60F:`, `:62F:`, ...), the
/// statement line (`:61:`) and the information to the account owner (`:86:`), structured the
/// German way (`?20`..`?63` subfields, GVC codes, `EREF+` tags), the Dutch way (`/EREF/`,
/// `/REMI/`) or not at all.
enum MT940Fields {
    /// `C200904EUR0,` -> a signed amount on a day.
    struct Balance {
        var amount: Money
        var date: (year: Int64, month: Int64, day: Int64)
    }

    static func balance(_ text: String) throws(RecordError) -> Balance {
        let b = Array(text.utf8)
        guard b.count >= 11, b[0] == UInt8(ascii: "C") || b[0] == UInt8(ascii: "D") else {
            throw RecordError(
                field: "balance", "expected C or D, a date YYMMDD, a currency and an amount, found '\(text)'")
        }
        let date = try self.date(b[1..<7], field: "balance")
        let code = String(decoding: b[7..<10], as: UTF8.self)
        guard let currency = Currency(code: code) else {
            throw RecordError(field: "balance", "'\(code)' is not a currency")
        }
        let minor = try amount(b[10...], currency: currency, field: "balance")
        return Balance(
            amount: Money(minorUnits: b[0] == UInt8(ascii: "D") ? -minor : minor, currency: currency), date: date)
    }

    /// `YYMMDD` (years 80-99 are 19xx), checked against the calendar.
    static func date(_ b: ArraySlice<UInt8>, field: String) throws(RecordError) -> (
        year: Int64, month: Int64, day: Int64
    ) {
        guard b.count == 6, b.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw RecordError(field: field, "expected a date YYMMDD, found '\(String(decoding: b, as: UTF8.self))'")
        }
        let n = b.map { Int64($0 - 0x30) }
        let yy = n[0] * 10 + n[1]
        let (month, day) = (n[2] * 10 + n[3], n[4] * 10 + n[5])
        let year = yy >= 80 ? 1900 + yy : 2000 + yy
        guard (1...12).contains(month), (1...CivilDate.daysIn(month: month, year: year)).contains(day) else {
            throw RecordError(field: field, "\(String(decoding: b, as: UTF8.self)) is not a date")
        }
        return (year, month, day)
    }

    static func timestamp(_ d: (year: Int64, month: Int64, day: Int64)) -> Timestamp {
        Timestamp(millisecondsSince1970: CivilDate.days(year: d.year, month: d.month, day: d.day) * 86_400_000)
    }

    /// `500,` `500` `050,97` `000000768,18`: digits, a decimal comma, up to the currency's
    /// exponent of decimals (zeros past it are fine); never through floating point.
    static func amount(_ b: ArraySlice<UInt8>, currency: Currency, field: String) throws(RecordError) -> Int64 {
        guard !b.isEmpty, b.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ",") }),
            b.lazy.filter({ $0 == UInt8(ascii: ",") }).count <= 1
        else {
            throw RecordError(
                field: field, "expected an amount like 1234,56, found '\(String(decoding: b, as: UTF8.self))'")
        }
        // `,50` is 0.50 and `500,` is 500: the comma as a decimal point, the bytes parsed as they are
        var bytes = Array(b)
        if bytes.first == UInt8(ascii: ",") { bytes.insert(UInt8(ascii: "0"), at: 0) }
        if bytes.last == UInt8(ascii: ",") { bytes.removeLast() }
        for k in bytes.indices where bytes[k] == UInt8(ascii: ",") { bytes[k] = UInt8(ascii: ".") }
        do {
            return try bytes.withUnsafeBytes { raw in try AmountParser.parseMajor(raw, currency: currency) }
        } catch let error as AmountError {
            throw RecordError(field: field, error)
        } catch {
            throw RecordError(field: field, "\(error)")
        }
    }

    /// A `:61:` statement line: value date, entry date, mark, amount, type, references, and
    /// the supplementary details on its second line.
    struct StatementLine {
        var valueDate: (year: Int64, month: Int64, day: Int64)
        var entryDate: (year: Int64, month: Int64, day: Int64)?
        /// Credit (`C`, `RD`: a reversed debit) or debit (`D`, `RC`).
        var credit: Bool
        var reversal: Bool
        var minorUnits: Int64
        /// `NTRF`, `NMSC`, `S103`, `N084`...
        var type: String
        var customerReference: String
        var bankReference: String?
        var supplementary: String?
    }

    static func statementLine(_ lines: [String], currency: Currency) throws(RecordError) -> StatementLine {
        let b = Array((lines.first ?? "").utf8)
        let isDigit = { (i: Int) in i < b.count && b[i] >= 0x30 && b[i] <= 0x39 }
        let valueDate = try date(b.prefix(6), field: ":61: value date")
        var i = 6
        var entryDate: (Int64, Int64, Int64)?
        if b.count > 10, (6..<10).allSatisfy({ b[$0] == 0x20 }) {
            i = 10  // Citibank writes spaces where the entry date is left out
        } else if (6..<10).allSatisfy(isDigit) {
            let month = Int64(b[6] - 0x30) * 10 + Int64(b[7] - 0x30)
            let day = Int64(b[8] - 0x30) * 10 + Int64(b[9] - 0x30)
            // the entry date has no year: a booking in December for a January value is the
            // year before, one in January for a December value the year after
            var year = valueDate.year
            if month == 12 && valueDate.month == 1 { year -= 1 }
            if month == 1 && valueDate.month == 12 { year += 1 }
            guard (1...12).contains(month), (1...CivilDate.daysIn(month: month, year: year)).contains(day) else {
                throw RecordError(
                    field: ":61: entry date", "\(String(decoding: b[6..<10], as: UTF8.self)) is not a date MMDD")
            }
            entryDate = (year, month, day)
            i = 10
        }
        let rest = b[i...]
        var reversal = false
        var credit: Bool
        if rest.starts(with: "RC".utf8) || rest.starts(with: "RD".utf8) {
            reversal = true
            credit = b[i + 1] == UInt8(ascii: "D")  // a reversed debit gives money back
            i += 2
        } else if rest.first == UInt8(ascii: "C") || rest.first == UInt8(ascii: "D") {
            credit = rest.first == UInt8(ascii: "C")
            i += 1
        } else {
            throw RecordError(
                field: ":61: mark",
                "expected C, D, RC or RD after the dates, found '\(String(decoding: rest.prefix(2), as: UTF8.self))'")
        }
        // the funds code (the currency's third letter), or the R of the `CR`/`DR` variants
        if i < b.count, b[i] >= 0x41 && b[i] <= 0x5A,
            isDigit(i + 1) || (i + 1 < b.count && b[i + 1] == UInt8(ascii: ","))
        {
            i += 1
        }
        let amountStart = i
        while i < b.count, isDigit(i) || b[i] == UInt8(ascii: ",") { i += 1 }
        let minor = try amount(b[amountStart..<i], currency: currency, field: ":61: amount")
        if i < b.count, ![UInt8(ascii: "N"), UInt8(ascii: "F"), UInt8(ascii: "S"), 0x20].contains(b[i]) {
            throw RecordError(
                field: ":61: amount",
                "expected an amount like 1234,56 and then the transaction type, found '"
                    + String(decoding: b[amountStart...].prefix(16), as: UTF8.self) + "'")
        }
        while i < b.count, b[i] == 0x20 { i += 1 }
        // Penta (solarisBank) leaves the type out: `D20,00NONREF`
        if b[i...].starts(with: "NONREF".utf8) && (i + 6 == b.count || b[i + 6] == UInt8(ascii: "/")) {
            let bank = b.count > i + 8 ? String(decoding: b[(i + 8)...], as: UTF8.self).trimmed : ""
            return StatementLine(
                valueDate: valueDate, entryDate: entryDate, credit: credit, reversal: reversal, minorUnits: minor,
                type: "", customerReference: "NONREF", bankReference: bank.isEmpty ? nil : bank,
                supplementary: lines.dropFirst().joined(separator: " ").trimmed.nilIfEmpty)
        }
        guard i + 4 <= b.count, [UInt8(ascii: "N"), UInt8(ascii: "F"), UInt8(ascii: "S")].contains(b[i]) else {
            throw RecordError(
                field: ":61: type",
                "expected a transaction type (N, F or S and three characters) after the amount, found '"
                    + String(decoding: b[i...].prefix(4), as: UTF8.self) + "'"
            )
        }
        let type = String(decoding: b[i..<(i + 4)], as: UTF8.self)
        let references = String(decoding: b[(i + 4)...], as: UTF8.self)
        var customer = references
        var bank: String?
        if let split = references.utf8Range(of: "//") {
            customer = String(references[..<split.lowerBound])
            bank = String(references[split.upperBound...]).trimmed
        }
        let supplementary = lines.dropFirst().joined(separator: " ").trimmed
        return StatementLine(
            valueDate: valueDate, entryDate: entryDate, credit: credit, reversal: reversal, minorUnits: minor,
            type: type, customerReference: customer.trimmed, bankReference: bank?.isEmpty == false ? bank : nil,
            supplementary: supplementary.isEmpty ? nil : supplementary)
    }

    /// `/OCMT/EUR11,85//CHGS/EUR0,50/` in a `:61:` line's supplementary details.
    static func supplementaryAmount(_ tag: String, in text: String?) -> Money? {
        guard let text, let start = text.utf8Range(of: "/\(tag)/") else { return nil }
        let value = text[start.upperBound...].prefix { $0 != "/" }
        guard value.count > 3, let currency = Currency(code: String(value.prefix(3))),
            let minor = try? amount(ArraySlice(value.dropFirst(3).utf8), currency: currency, field: tag)
        else { return nil }
        return Money(minorUnits: minor, currency: currency)
    }

    /// What `:86:` says: the GVC code, references, remittance text, the counterparty.
    struct Information {
        var code: String?
        var postingText: String?
        var references: [String] = []
        var remittance: String?
        var counterpartyName: String?
        var counterpartyAccount: String?
    }

    static func information(_ lines: [String]) -> Information {
        let joined = lines.joined()
        let b = Array(joined.utf8)
        // German: `166?00SEPA-GUTSCHRIFT?20EREF+...`; Triodos writes `>` for `?`
        if b.count >= 4, b[0...2].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            b[3] == UInt8(ascii: "?") || b[3] == UInt8(ascii: ">")
        {
            return german(joined, separator: Character(UnicodeScalar(b[3])))
        }
        if dutchTags.contains(where: { joined.containsUTF8("/\($0)/") }) { return dutch(joined) }
        var info = Information()
        let text = lines.map(\.trimmed).filter { !$0.isEmpty }.joined(separator: " ")
        info.remittance = text.isEmpty ? nil : text
        return info
    }

    /// SEPA tags in German purpose text, in the order a key is taken from them.
    static let sepaTags = [
        "EREF+", "KREF+", "MREF+", "CRED+", "DEBT+", "SVWZ+", "ABWA+", "ABWE+", "COAM+", "OAMT+",
        "IBAN+", "BIC+",
    ]

    static func german(_ text: String, separator: Character) -> Information {
        var info = Information()
        var fields: [(Int, String)] = []
        // split over the bytes at the separator (`?` or `>`) followed by two digits
        let bytes = Array(text.utf8)
        let mark = UInt8(ascii: separator == ">" ? ">" : "?")
        let isDigit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
        var starts: [Int] = []
        for k in bytes.indices
        where bytes[k] == mark && k + 2 < bytes.count && isDigit(bytes[k + 1]) && isDigit(bytes[k + 2]) {
            starts.append(k)
        }
        info.code = String(decoding: bytes[..<(starts.first ?? bytes.count)], as: UTF8.self)
        for (n, start) in starts.enumerated() {
            let end = n + 1 < starts.count ? starts[n + 1] : bytes.count
            let number = Int(bytes[start + 1] - 0x30) * 10 + Int(bytes[start + 2] - 0x30)
            fields.append((number, String(decoding: bytes[(start + 3)..<end], as: UTF8.self)))
        }
        let purpose = fields.filter { (20...29).contains($0.0) || (60...63).contains($0.0) }.map(\.1)
        info.postingText = fields.first { $0.0 == 0 }?.1
        info.counterpartyAccount = fields.first { $0.0 == 31 }?.1.trimmed
        let name = fields.filter { $0.0 == 32 || $0.0 == 33 }.map(\.1).joined().trimmed
        info.counterpartyName = name.isEmpty ? nil : name
        let (tagged, untagged) = sepaValues(purpose)
        for tag in ["EREF+", "KREF+", "MREF+"] {
            if let value = tagged.first(where: { $0.0 == tag })?.1.trimmed, !value.isEmpty {
                info.references.append(value)
            }
        }
        let remittance = (tagged.first { $0.0 == "SVWZ+" }?.1 ?? untagged).trimmed
        info.remittance = remittance.isEmpty ? nil : remittance
        return info
    }

    /// The purpose subfields (`?20`..`?29`, `?60`..`?63`) split at their SEPA tags. A tag may
    /// start anywhere in a subfield; a reference (`EREF+`, `KREF+`, `MREF+`, `CRED+`) runs on
    /// into the next subfield only when its subfield is full (27 characters: the bank cut it),
    /// other text always does; text after a reference that ended is untagged remittance text.
    static func sepaValues(_ subfields: [String]) -> (tagged: [(String, String)], untagged: String) {
        var tagged: [(String, String)] = []
        var untagged = ""
        var intoTag = false  // where the text goes on: the last tag, or the untagged text
        var previousFull = false
        for subfield in subfields {
            let bytes = Array(subfield.utf8)
            var from = 0
            var first = true
            // one pass over the bytes: a tag ends at a `+` after its three or four letters
            func nextTag() -> (start: Int, end: Int, tag: String)? {
                var p = from
                while let plus = bytes[p...].firstIndex(of: UInt8(ascii: "+")) {
                    for tag in sepaTagBytes where plus + 1 >= from + tag.count {
                        let start = plus + 1 - tag.count
                        if bytes[start...plus].elementsEqual(tag) {
                            return (start, plus + 1, String(decoding: tag, as: UTF8.self))
                        }
                    }
                    p = plus + 1
                }
                return nil
            }
            while true {
                let next = nextTag()
                let piece = String(decoding: bytes[from..<(next?.start ?? bytes.count)], as: UTF8.self)
                if first && intoTag && !previousFull && referenceTags.contains(tagged[tagged.count - 1].0) {
                    intoTag = false  // the reference ended with its subfield
                }
                if !piece.isEmpty {
                    if intoTag { tagged[tagged.count - 1].1 += piece } else { untagged += piece }
                }
                guard let (_, end, tag) = next else { break }
                tagged.append((tag, ""))
                intoTag = true
                from = end
                first = false
            }
            previousFull = subfield.count >= 27
        }
        return (tagged, untagged)
    }

    static let sepaTagBytes = sepaTags.map { Array($0.utf8) }

    static let referenceTags: Set<String> = ["EREF+", "KREF+", "MREF+", "CRED+"]

    /// The Dutch (and Polish, Belgian) `/TAG/value` style.
    static let dutchTags = [
        "EREF", "REMI", "ORDP", "BENM", "NAME", "IBAN", "BIC", "TRTP", "CNTP", "MARF", "CSID",
        "PREF", "ADDR", "RTRN", "PURP", "ULTC", "ULTD", "SVCL", "BUSP", "IREF", "ISDT",
    ]

    static func dutch(_ text: String) -> Information {
        var info = Information()
        var values: [String: String] = [:]
        var order: [(String, Substring.Index, Substring.Index)] = []
        let s = Substring(text)
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == "/", let tag = dutchTags.first(where: { s[s.index(after: i)...].hasPrefix("\($0)/") }) {
                let valueStart = s.index(i, offsetBy: tag.count + 2)
                order.append((tag, i, valueStart))
                i = valueStart
            } else {
                i = s.index(after: i)
            }
        }
        for (k, entry) in order.enumerated() {
            let end = k + 1 < order.count ? order[k + 1].1 : s.endIndex
            let value = String(s[entry.2..<end]).trimmed
            if values[entry.0] == nil { values[entry.0] = value }
        }
        func clean(_ v: String?) -> String? {
            let t = (v ?? "").stripping("/ ")
            return t.isEmpty ? nil : t
        }
        for tag in ["EREF", "PREF", "MARF"] { if let v = clean(values[tag]) { info.references.append(v) } }
        // /REMI/USTD//text/ or /REMI/STRD/CUR/reference/ or /REMI/text
        if var remi = values["REMI"] {
            for prefix in ["USTD//", "USTD/", "STRD/CUR/", "STRD/"] where remi.hasPrefix(prefix) {
                remi = String(remi.dropFirst(prefix.count))
                break
            }
            info.remittance = clean(remi)
        }
        info.code = clean(values["TRTP"])
        // the counterparty: /NAME/, or /CNTP/account/bic/name/place/, /ORDP//NAME/..., /BENM//NAME/...
        info.counterpartyName = clean(values["NAME"])
        if let cntp = values["CNTP"] {
            let parts = cntp.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            info.counterpartyAccount = clean(parts.first)
            if info.counterpartyName == nil, parts.count > 2 { info.counterpartyName = clean(parts[2]) }
        }
        if info.counterpartyAccount == nil { info.counterpartyAccount = clean(values["IBAN"]) }
        return info
    }
}

extension String {
    /// Without blanks and line ends at either end: the key trimming every side already uses.
    var trimmed: String { PaymentKey.trimmed(self) }

    /// Without the characters of `set` at either end.
    func stripping(_ set: String) -> String {
        let drop = { (c: Character) in set.contains(c) }
        guard let first = firstIndex(where: { !drop($0) }), let last = lastIndex(where: { !drop($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

extension StringProtocol {
    /// Where `needle` first occurs, found over the UTF-8 bytes (Foundation-free and much faster
    /// than the generic `firstRange(of:)`); `needle` is ASCII, so the range falls on characters.
    func utf8Range(of needle: String) -> Range<Index>? {
        let bytes = utf8
        let n = Array(needle.utf8)
        guard let first = n.first else { return nil }
        var from = bytes.startIndex
        while let at = bytes[from...].firstIndex(of: first) {
            if bytes[at...].starts(with: n) { return at..<bytes.index(at, offsetBy: n.count) }
            from = bytes.index(after: at)
        }
        return nil
    }

    func containsUTF8(_ needle: String) -> Bool { utf8Range(of: needle) != nil }
}
