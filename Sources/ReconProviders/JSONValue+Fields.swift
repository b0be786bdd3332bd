import PaymentModels
import ReconIngest

/// Typed reads of one member's value; `name` is only used in error messages.
///
/// Written over `JSONValue?` so adapters can look several members up in one pass
/// (`JSONValue.members`) and convert each found value here.
extension Optional where Wrapped == JSONValue {
    /// A non-empty text value (string, or number/boolean as written), without leading and
    /// trailing spaces, tabs and line ends (keys compare trimmed on both sides); nil when
    /// absent, null or empty, because the seed systems write `""` for "none".
    var text: String? {
        guard let value = self else { return nil }
        let raw = value.rawBytes
        // the padding test reads two bytes in place; only a padded value pays for trimming
        @inline(__always) func isPadding(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
        guard let text = value.scalarText else { return nil }
        // padding as escapes (`\t`) starts with a backslash or ends one byte after one
        let escaped = raw.first == 0x5C || (raw.count >= 2 && raw[raw.count - 2] == 0x5C)
        if let first = raw.first, let last = raw.last, escaped || isPadding(first) || isPadding(last) {
            let trimmed = PaymentKey.trimmed(text)
            return trimmed.isEmpty ? nil : trimmed
        }
        return text.isEmpty ? nil : text
    }

    /// Major-unit decimal (`"12.34"` or `12.34`) in `currency`.
    func majorAmount(_ name: StaticString, currency: Currency) throws(RecordError) -> Money? {
        guard let value = self, !value.isNull else { return nil }
        guard value.kind == .string || value.kind == .number else {
            throw RecordError(field: "\(name)", "expected a decimal amount")
        }
        let parsed = value.withStringBytes { bytes -> Result<Int64, AmountError> in
            do throws(AmountError) {
                return .success(try AmountParser.parseMajor(bytes, currency: currency))
            } catch { return .failure(error) }
        }!
        switch parsed {
        case .success(let minor): return Money(minorUnits: minor, currency: currency)
        case .failure(.empty): return nil
        case .failure(let error): throw RecordError(field: "\(name)", error)
        }
    }

    /// Integer minor units (`1234`), as a number or a string.
    func minorAmount(_ name: StaticString) throws(RecordError) -> Int64? {
        guard let value = self, !value.isNull else { return nil }
        guard value.kind == .string || value.kind == .number else {
            throw RecordError(field: "\(name)", "expected an integer amount in minor units")
        }
        let parsed = value.withStringBytes { bytes -> Result<Int64, AmountError> in
            do throws(AmountError) {
                return .success(try AmountParser.parseMinor(bytes))
            } catch { return .failure(error) }
        }!
        switch parsed {
        case .success(let minor): return minor
        case .failure(.empty): return nil
        case .failure(let error): throw RecordError(field: "\(name)", error)
        }
    }

    /// A required ISO 4217 code, any case.
    func currency(_ name: StaticString) throws(RecordError) -> Currency {
        guard let value = self, !value.isNull else {
            throw RecordError(field: "\(name)", "currency is missing")
        }
        let found = value.withStringBytes { Currency(asciiCode: $0) } ?? nil
        guard let found else {
            throw RecordError(
                field: "\(name)", AmountError.unknownCurrency(value.scalarText ?? "").description)
        }
        return found
    }

    /// An RFC 3339 or `YYYY-mm-dd HH:MM:SS` date-time; nil when absent or empty.
    func timestamp(_ name: StaticString, zoneOffsetSeconds: Int64 = 0) throws(RecordError) -> Timestamp? {
        guard let value = self, value.kind == .string else { return nil }
        let parsed = value.withStringBytes { bytes -> Result<Timestamp?, DateError> in
            if bytes.isEmpty { return .success(nil) }
            do throws(DateError) {
                return .success(try Timestamp(parsing: bytes, zoneOffsetSeconds: zoneOffsetSeconds))
            } catch { return .failure(error) }
        }!
        switch parsed {
        case .success(let stamp): return stamp
        case .failure(let error): throw RecordError(field: "\(name)", error.description)
        }
    }

    /// Epoch time as an integer: milliseconds when `milliseconds`, else seconds.
    func epoch(_ name: StaticString, milliseconds: Bool) throws(RecordError) -> Timestamp? {
        guard let raw = try minorAmount(name) else { return nil }
        let (ms, overflow) = milliseconds ? (raw, false) : raw.multipliedReportingOverflow(by: 1000)
        guard !overflow, Timestamp.range.contains(ms) else {
            throw RecordError(field: "\(name)", "\(raw) is not a time recon can hold (years 0 to 9999)")
        }
        return Timestamp(millisecondsSince1970: ms)
    }
}

extension JSONValue {
    /// Member-by-name forms of the reads above, for records read only a little.
    func text(_ key: StaticString) -> String? { self[key].text }

    func majorAmount(_ key: StaticString, currency: Currency) throws(RecordError) -> Money? {
        try self[key].majorAmount(key, currency: currency)
    }

    func minorAmount(_ key: StaticString) throws(RecordError) -> Int64? { try self[key].minorAmount(key) }

    func currency(_ key: StaticString) throws(RecordError) -> Currency { try self[key].currency(key) }

    func timestamp(_ key: StaticString, zoneOffsetSeconds: Int64 = 0) throws(RecordError) -> Timestamp? {
        try self[key].timestamp(key, zoneOffsetSeconds: zoneOffsetSeconds)
    }

    func epoch(_ key: StaticString, milliseconds: Bool) throws(RecordError) -> Timestamp? {
        try self[key].epoch(key, milliseconds: milliseconds)
    }
}

extension JSONFields {
    /// These fields, unless the record names one of them twice: then a reject naming it (the
    /// JSON standard leaves which value counts to the reader; recon does not guess).
    func unique(_ names: JSONNames) throws(RecordError) -> JSONFields {
        guard repeated >= 0 else { return self }
        let name = "\(names.names[repeated])"
        throw RecordError(field: name, "the record has '\(name)' more than once: which value counts is not clear")
    }
}
