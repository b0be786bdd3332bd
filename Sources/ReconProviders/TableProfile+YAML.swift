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
            let other = directionRequired ? "" : ", other: unsigned"
            lines.append("direction: {column: \(quote(d)), credit: \(list(credit)), debit: \(list(debit))\(other)}")
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
        if let time = timeColumn { lines.append("time: " + list([time] + alternateTimeColumns)) }
        if dayFirstDates { lines.append("date_format: DD.MM.YYYY") }
        if monthFirstDates { lines.append("date_format: MM/DD/YYYY") }
        if timeZoneOffsetSeconds != 0 {
            let sign = timeZoneOffsetSeconds < 0 ? "-" : "+"
            let m = abs(timeZoneOffsetSeconds) / 60
            lines.append("time_zone: \"\(sign)\(m / 600)\(m / 60 % 10):\(m % 60 / 10)\(m % 10)\"")
        }
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
            lines.append("fee_direction: {column: \(quote(direction.column)), returned: \(list(direction.returned))}")
        }
        if let column = settlementCurrencyColumn { lines.append("settlement_currency: " + quote(column)) }
        if let net = netDebitCredit {
            lines.append("net_debit: " + quote(net.debit))
            lines.append("net_credit: " + quote(net.credit))
        }
        if let rate = rateColumn { lines.append("exchange_rate: " + quote(rate)) }
        if netOnlyRows { lines.append("net_only_rows: true") }
        if let kind {
            lines.append("kind: " + quote(kind.column))
            let pairs =
                kind.values.sorted { $0.key < $1.key }.map { "\(quote($0.key)): \($0.value.code)" }
                + kind.prefixes.map { "\(quote($0.prefix + "*")): \($0.kind.code)" }
            lines.append("kinds: {" + pairs.joined(separator: ", ") + "}")
            if let otherwise = kind.otherwise { lines.append("kind_otherwise: \(otherwise.code)") }
        }
        if !batchColumns.isEmpty { lines.append("batch: " + list(batchColumns)) }
        if batchByDay { lines.append("batch_by_day: true") }
        if let zone = timeZoneColumn { lines.append("time_zone_column: " + quote(zone)) }
        if !payoutTimeColumns.isEmpty { lines.append("payout_time: " + list(payoutTimeColumns)) }
        // what the built-in layout does not require (its signature) is optional in the copy
        var named = keyColumns + settlementIdColumns + feeColumns + batchColumns + payoutTimeColumns
        named += [
            netColumn, timeColumn, status?.column, kind?.column, settlementCurrencyColumn, rateColumn, timeZoneColumn,
            netDebitCredit?.debit, netDebitCredit?.credit, feeDirection?.column,
        ].compactMap { $0 }
        switch amount {
        case .signed(let c), .lessRefund(let c, _): named.append(c)
        case .directed(let c, let d, _, _): named += [c, d]
        case .debitCredit(let d, let c): named += [d, c]
        case .sum(let cs): named.append(cs[0])
        }
        if case .column(let c, _) = currency { named.append(c) }
        var seen = Set(signature.map(foldedColumnName))
        var optional: [String] = []
        for column in named + alternateTimeColumns where !signature.isEmpty {
            if seen.insert(foldedColumnName(column)).inserted { optional.append(column) }
        }
        if !optional.isEmpty { lines.append("optional: " + list(optional)) }
        if feeSign != .unsigned { lines.append("fee_sign: \(feeSign.rawValue)") }
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


