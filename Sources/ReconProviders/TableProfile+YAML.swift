import PaymentModels

/// A built-in layout written as a mapping profile, so a user can copy one and adjust it
/// (`recon providers --show NAME`). Summary checks and the WeChat/Vipps refund arithmetic have
/// no profile keys; they are named in a comment so the copy's difference is visible.
extension TableProfile {
    public var yaml: String {
        var lines = ["# \(description)", "name: \(name)-copy", "format: csv"]
        func quote(_ s: String) -> String {
            let plain =
                s.allSatisfy { $0.isLetter || $0.isNumber || "_-() .（）/".contains($0) } && !s.isEmpty
                && !s.hasPrefix(" ") && !s.hasPrefix("-")
            return plain ? s : "\"" + s.replacingQuotes + "\""
        }
        func list(_ items: [String]) -> String { "[" + items.map(quote).joined(separator: ", ") + "]" }
        var notes: [String] = []
        if skipLines > 0 { lines.append("skip_lines: \(skipLines)") }
        if positional { lines.append("header: false") }
        if decimalComma { lines.append("decimal_comma: true") }
        lines.append("key: " + list(keyColumns))
        if !settlementIdColumns.isEmpty { lines.append("settlement_id: " + list(settlementIdColumns)) }
        switch amount {
        case .signed(let c): lines.append("amount: " + quote(c))
        case .directed(let c, let d, let credit, let debit):
            lines.append("amount: " + quote(c))
            lines.append("direction: {column: \(quote(d)), credit: \(list(credit)), debit: \(list(debit))}")
        case .debitCredit(let d, let c):
            lines.append("debit: " + quote(d))
            lines.append("credit: " + quote(c))
        case .lessRefund(let c, let refund):
            lines.append("amount: " + quote(c))
            notes.append("the built-in layout subtracts \(refund) from \(c); a profile reads \(c) alone")
        case .sum(let cs):
            lines.append("amount: " + quote(cs[0]))
            notes.append("the built-in layout adds \(cs.dropFirst().joined(separator: ", ")) to \(cs[0])")
        }
        if minorUnits { lines.append("units: minor") }
        switch currency {
        case .fixed(let code): lines.append("currency_code: \(code)")
        case .column(let c, _): lines.append("currency: " + quote(c))
        }
        if !feeColumns.isEmpty { lines.append("fee: " + list(feeColumns)) }
        if let net = netColumn { lines.append("net: " + quote(net)) }
        if let status {
            lines.append("status: " + quote(status.column))
            let pairs = status.values.sorted { $0.key < $1.key }.map { "\(quote($0.key)): \($0.value.rawValue)" }
            if !pairs.isEmpty { lines.append("statuses: {" + pairs.joined(separator: ", ") + "}") }
        }
        if let time = timeColumn { lines.append("time: " + quote(time)) }
        if dayFirstDates { lines.append("date_format: DD.MM.YYYY") }
        if monthFirstDates { lines.append("date_format: MM/DD/YYYY") }
        if timeZoneOffsetSeconds != 0 {
            let sign = timeZoneOffsetSeconds < 0 ? "-" : "+"
            let m = abs(timeZoneOffsetSeconds) / 60
            lines.append("time_zone: \"\(sign)\(m / 600)\(m / 60 % 10):\(m % 60 / 10)\(m % 10)\"")
        }
        if let zone = timeZoneColumn { notes.append("the built-in layout reads each row's time zone from \(zone)") }
        if let marker = endMarkers.first { lines.append("end_marker: " + quote(marker)) }
        if let type = recordType {
            lines.append("record_type: {column: \(quote(type.column)), value: \(quote(type.value))}")
        }
        if summary != nil || !countFooters.isEmpty || !totalFooters.isEmpty {
            notes.append("the built-in layout also checks the file's own totals")
        }
        if emptyValues != ["/", "-"] {
            notes.append("the built-in layout reads \(emptyValues.joined(separator: " ")) in id columns as no value")
        }
        if let direction = feeDirection {
            let marks = direction.returned.joined(separator: "/")
            notes.append("the built-in layout reads a fee marked \(marks) in \(direction.column) as returned")
        }
        if let column = settlementCurrencyColumn {
            notes.append("the built-in layout reads fee and net in the currency of \(column)")
        }
        if let net = netDebitCredit {
            notes.append("the built-in layout reads the net as \(net.credit) - \(net.debit)")
        }
        if let rate = rateColumn { notes.append("the built-in layout reads the exchange rate from \(rate)") }
        if netOnlyRows { notes.append("the built-in layout reads a row without a gross as its net") }
        if signedFees { notes.append("the built-in layout reads fees with their sign (negative: given back)") }
        if let metadata = metadataColumn { notes.append("the built-in layout takes references from \(metadata)") }
        if signature.count > 0 && skipLines == 0 && !positional {
            notes.append("the built-in layout finds its header below any preamble; a profile uses skip_lines")
        }
        return (lines + notes.map { "# not in a profile: \($0)" }).joined(separator: "\n") + "\n"
    }
}

extension String {
    var replacingQuotes: String { split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\\\"") }
}


