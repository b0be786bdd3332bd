import PaymentModels
import ReconIngest

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
    static func date<Bytes: RandomAccessCollection<UInt8>>(_ b: Bytes, field: String) throws(RecordError) -> (
        year: Int64, month: Int64, day: Int64
    ) where Bytes.Index == Int {
        guard b.count == 6, b.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw RecordError(field: field, "expected a date YYMMDD, found '\(String(decoding: b, as: UTF8.self))'")
        }
        let s = b.startIndex
        let two = { (k: Int) in Int64(b[s + k] - 0x30) * 10 + Int64(b[s + k + 1] - 0x30) }
        let (yy, month, day) = (two(0), two(2), two(4))
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
    static func amount<Bytes: RandomAccessCollection<UInt8>>(
        _ b: Bytes, currency: Currency, field: String
    ) throws(RecordError) -> Int64 where Bytes.Index == Int {
        guard !b.isEmpty, b.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ",") }),
            b.lazy.filter({ $0 == UInt8(ascii: ",") }).count <= 1
        else {
            throw RecordError(
                field: field, "expected an amount like 1234,56, found '\(String(decoding: b, as: UTF8.self))'")
        }
        // most amounts: up to 15 digits and at most the currency's decimals, counted exactly here
        var (whole, fraction, wholeDigits, decimals, afterComma) = (Int64(0), Int64(0), 0, 0, false)
        for c in b {
            if c == UInt8(ascii: ",") {
                afterComma = true
            } else if afterComma {
                (fraction, decimals) = (fraction * 10 + Int64(c - 0x30), decimals + 1)
            } else {
                (whole, wholeDigits) = (whole * 10 + Int64(c - 0x30), wholeDigits + 1)
            }
            if wholeDigits > 15 || decimals > currency.exponent { break }
        }
        if wholeDigits <= 15 && decimals <= currency.exponent {
            var scale: Int64 = 1
            for _ in 0..<currency.exponent { scale *= 10 }
            var unit: Int64 = 1
            for _ in 0..<(currency.exponent - decimals) { unit *= 10 }
            return whole * scale + fraction * unit
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

    static func statementLine(_ field: SwiftMTReader.Field, currency: Currency) throws(RecordError) -> StatementLine {
        let end = field.text.firstIndex(of: 0x0A) ?? field.text.count
        let supplementary = end < field.text.count ? text(field.continuation) : ""
        return try field.text.withUnsafeBufferPointer { (all) throws(RecordError) in
            try statementLine(
                UnsafeBufferPointer(rebasing: all[..<end]), currency: currency, supplementary: supplementary.nilIfEmpty)
        }
    }

    /// The statement line over the bytes of its first line (no reference counting per field).
    static func statementLine(
        _ b: UnsafeBufferPointer<UInt8>, currency: Currency, supplementary: String?
    ) throws(RecordError) -> StatementLine {
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
                supplementary: supplementary)
        }
        guard i + 4 <= b.count, [UInt8(ascii: "N"), UInt8(ascii: "F"), UInt8(ascii: "S")].contains(b[i]) else {
            throw RecordError(
                field: ":61: type",
                "expected a transaction type (N, F or S and three characters) after the amount, found '"
                    + String(decoding: b[i...].prefix(4), as: UTF8.self) + "'"
            )
        }
        let type = String(decoding: b[i..<(i + 4)], as: UTF8.self)
        // the customer reference, then `//` and the bank's
        let references = b[(i + 4)...]
        var split: Int?
        var k = references.startIndex
        while split == nil && k + 1 < references.endIndex {
            if references[k] == UInt8(ascii: "/") && references[k + 1] == UInt8(ascii: "/") { split = k }
            k += 1
        }
        let customer = text(references[..<(split ?? references.endIndex)])
        let bank = split.map { text(references[($0 + 2)...]) } ?? ""
        return StatementLine(
            valueDate: valueDate, entryDate: entryDate, credit: credit, reversal: reversal, minorUnits: minor,
            type: type, customerReference: customer, bankReference: bank.isEmpty ? nil : bank,
            supplementary: supplementary)
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
        /// Whether the posting text (`?00`) says the money came back (`RETOUR`, `RUECK...`).
        var returned = false
        fileprivate var postingRead = false
        var references = KeyList(ignoring: .bank)
        var remittance: String?
        var counterpartyName: String?
        var counterpartyAccount: String?
    }

    /// The `:86:` text: its lines (of one or several `:86:` fields) joined with `\n`.
    /// German text's counterparty (`?31`, `?32`, `?33`) is read when `counterparty` asks: a
    /// record does not carry it, so reading a statement does not make its strings.
    static func information(_ text: [UInt8], counterparty: Bool = true) -> Information {
        text.withUnsafeBufferPointer { information($0, counterparty: counterparty) }
    }

    static func information(_ text: UnsafeBufferPointer<UInt8>, counterparty: Bool = true) -> Information {
        if isGerman(text) {
            // the subfields run on over line ends: read without them
            guard BankBytes.index(of: 0x0A, in: text, 0..<text.count) != nil else {
                return german(text, mark: text[3], counterparty: counterparty)
            }
            return text.filter { $0 != 0x0A }.withUnsafeBufferPointer {
                german($0, mark: text[3], counterparty: counterparty)
            }
        }
        let joined = String(decoding: text.lazy.filter { $0 != 0x0A }, as: UTF8.self)
        if dutchTags.contains(where: { joined.containsUTF8("/\($0)/") }) { return dutch(joined) }
        var info = Information()
        let lines = text.split(separator: 0x0A).map { Self.text($0) }.filter { !$0.isEmpty }
        info.remittance = lines.isEmpty ? nil : lines.joined(separator: " ")
        return info
    }

    /// German `:86:` text: `166?00SEPA-GUTSCHRIFT?20EREF+...` (Triodos writes `>` for `?`),
    /// whose subfields run on over line ends.
    static func isGerman<Bytes: RandomAccessCollection<UInt8>>(_ text: Bytes) -> Bool where Bytes.Index == Int {
        let s = text.startIndex
        return text.count >= 4 && text[s...(s + 2)].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
            && (text[s + 3] == UInt8(ascii: "?") || text[s + 3] == UInt8(ascii: ">"))
    }

    /// Bytes as text without blanks and line ends at either end.
    static func text<Bytes: BidirectionalCollection<UInt8>>(_ bytes: Bytes) -> String {
        var (start, end) = (bytes.startIndex, bytes.endIndex)
        while start != end, BankBytes.isBlank(bytes[start]) { bytes.formIndex(after: &start) }
        while end != start, BankBytes.isBlank(bytes[bytes.index(before: end)]) { bytes.formIndex(before: &end) }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// SEPA tags in German purpose text, in the order a key is taken from them.
    static let sepaTags = [
        "EREF+", "KREF+", "MREF+", "CRED+", "DEBT+", "SVWZ+", "ABWA+", "ABWE+", "COAM+", "OAMT+",
        "IBAN+", "BIC+",
    ]

    /// The `?nn` subfields split over the bytes at `mark` (`?` or `>`) followed by two digits,
    /// each read as it is found; only the texts that become the entry's fields are made strings.
    static func german(_ bytes: UnsafeBufferPointer<UInt8>, mark: UInt8, counterparty: Bool = true) -> Information {
        var info = Information()
        var name = Bytes()
        var sepa = SepaSplit()
        let isDigit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
        var codeEnd = bytes.count
        var open: (number: Int, start: Int)?
        func close(_ end: Int) {
            guard let (number, start) = open else { return }
            let range = start..<end
            switch number {
            case 0 where !info.postingRead:
                let posting = bytes[range]
                info.postingRead = true
                info.returned =
                    BankBytes.containsIgnoringCase(posting, "RETOUR")
                    || BankBytes.containsIgnoringCase(posting, "RUECK")
            case 31 where counterparty && info.counterpartyAccount == nil:
                info.counterpartyAccount = text(bytes[range])
            case 32, 33 where counterparty: name.add(range, of: bytes)
            case 20...29, 60...63: sepa.add(bytes, range)
            default: break
            }
        }
        var k = 0
        while let at = BankBytes.index(of: mark, in: bytes, k..<bytes.count) {
            k = at + 1
            guard at + 2 < bytes.count, isDigit(bytes[at + 1]), isDigit(bytes[at + 2]) else { continue }
            if open == nil { codeEnd = at }
            close(at)
            open = (Int(bytes[at + 1] - 0x30) * 10 + Int(bytes[at + 2] - 0x30), at + 3)
        }
        close(bytes.count)
        info.code = String(decoding: bytes[..<codeEnd], as: UTF8.self)
        if counterparty { info.counterpartyName = name.text(bytes).nilIfEmpty }
        for tag in 0..<3 {  // EREF+, KREF+, MREF+
            if let value = sepa[first: tag]?.text(bytes), !value.isEmpty {
                info.references.add(value)
            }
        }
        info.remittance = (sepa[first: SepaSplit.svwz] ?? sepa.untagged).text(bytes).nilIfEmpty
        return info
    }

    /// Text gathered from pieces of one buffer: a range while it is one piece (most are), its
    /// bytes once a second piece joins it.
    struct Bytes {
        var range: Range<Int>?
        var joined: [UInt8]?

        mutating func add(_ piece: Range<Int>, of bytes: UnsafeBufferPointer<UInt8>) {
            guard !piece.isEmpty else { return }
            if joined != nil {
                joined! += bytes[piece]
            } else if let range {
                joined = Array(bytes[range]) + bytes[piece]
                self.range = nil
            } else {
                range = piece
            }
        }

        func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
            if let joined { return MT940Fields.text(joined) }
            if let range { return MT940Fields.text(bytes[range]) }
            return ""
        }
    }

    /// The purpose subfields (`?20`..`?29`, `?60`..`?63`), given in order, split at their SEPA
    /// tags (`sepaTags`). A tag may start anywhere in a subfield; a reference (`EREF+`, `KREF+`,
    /// `MREF+`, `CRED+`) runs on into the next subfield only when its subfield is full (27
    /// characters: the bank cut it), other text always does; text after a reference that ended
    /// is untagged remittance text. Kept: the first value of each tag, and the untagged text.
    struct SepaSplit {
        static let svwz = sepaTags.firstIndex(of: "SVWZ+")!
        /// The first values of `EREF+`, `KREF+`, `MREF+` and `SVWZ+`, the tags read (the others
        /// take their text away from the untagged text, and are not kept).
        private var eref, kref, mref, svwzValue: Bytes?
        var untagged = Bytes()

        /// The first value of a tag kept.
        subscript(first tag: Int) -> Bytes? {
            get {
                switch tag {
                case 0: eref
                case 1: kref
                case 2: mref
                case Self.svwz: svwzValue
                default: nil
                }
            }
            set {
                switch tag {
                case 0: eref = newValue
                case 1: kref = newValue
                case 2: mref = newValue
                case Self.svwz: svwzValue = newValue
                default: break
                }
            }
        }

        /// The tag the text goes on with (nil: the untagged text), and whether it is that tag's
        /// first value.
        private var tag: Int?
        private var capturing = false
        private var previousFull = false

        mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, _ subfield: Range<Int>) {
            var from = subfield.lowerBound
            var p = from
            var firstPiece = true
            while true {
                // the next tag: one of the tags' letters ending at a `+`
                var next: (start: Int, end: Int, tag: Int)?
                while next == nil, let plus = BankBytes.index(of: UInt8(ascii: "+"), in: bytes, p..<subfield.upperBound)
                {
                    p = plus + 1
                    next = MT940Fields.tag(endingAt: plus, in: bytes, from: from)
                }
                if next == nil { p = subfield.upperBound }
                let piece = from..<(next?.start ?? subfield.upperBound)
                if firstPiece, let current = tag, !previousFull, current < 4 {
                    tag = nil  // the reference ended with its subfield
                }
                if let current = tag {
                    if capturing { self[first: current]!.add(piece, of: bytes) }
                } else {
                    untagged.add(piece, of: bytes)
                }
                guard let (_, end, found) = next else { break }
                tag = found
                capturing = (found < 3 || found == Self.svwz) && self[first: found] == nil
                if capturing { self[first: found] = Bytes() }
                from = end
                p = end
                firstPiece = false
            }
            // characters, not bytes: UTF-8 continuation bytes do not count
            var characters = 0
            for b in bytes[subfield] where b & 0xC0 != 0x80 { characters += 1 }
            previousFull = characters >= 27
        }
    }

    /// The SEPA tag whose `+` is at `plus` and which starts at `from` or later: its start, its
    /// end (after the `+`) and its index in `sepaTags`. The letters are compared as one word.
    static func tag(endingAt plus: Int, in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> (Int, Int, Int)? {
        func word(_ start: Int, _ count: Int) -> UInt32 {
            var w: UInt32 = 0
            for k in start..<(start + count) { w = w << 8 | UInt32(bytes[k]) }
            return w
        }
        if plus - 4 >= from, let n = sepaTagWords4.firstIndex(of: word(plus - 4, 4)) { return (plus - 4, plus + 1, n) }
        if plus - 3 >= from, word(plus - 3, 3) == sepaTagWordBIC { return (plus - 3, plus + 1, sepaTags.count - 1) }
        return nil
    }

    /// The four-letter tags as words, in `sepaTags` order (`BIC+`, the last, has three).
    static let sepaTagWords4: [UInt32] = sepaTags.dropLast().map {
        $0.utf8.dropLast().reduce(0) { $0 << 8 | UInt32($1) }
    }
    static let sepaTagWordBIC: UInt32 = "BIC".utf8.reduce(0) { $0 << 8 | UInt32($1) }

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
        for tag in ["EREF", "PREF", "MARF"] { if let v = clean(values[tag]) { info.references.add(v) } }
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
