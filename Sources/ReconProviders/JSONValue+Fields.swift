import PaymentModels
import ReconIngest

extension JSONValue {
    /// A non-empty text value (string, or number/boolean as written); nil when absent, null
    /// or empty, because the seed systems write `""` for "none".
    func text(_ key: StaticString) -> String? {
        guard let value = self[key], let text = value.scalarText, !text.isEmpty else { return nil }
        return text
    }

    /// Major-unit decimal (`"12.34"` or `12.34`) in `currency`.
    func majorAmount(_ key: StaticString, currency: Currency) throws(RecordError) -> Money? {
        guard let value = self[key], !value.isNull else { return nil }
        guard value.kind == .string || value.kind == .number else {
            throw RecordError(field: "\(key)", "expected a decimal amount")
        }
        let parsed = value.withStringBytes { bytes -> Result<Int64, AmountError> in
            do throws(AmountError) {
                return .success(try AmountParser.parseMajor(bytes, currency: currency))
            } catch { return .failure(error) }
        }!
        switch parsed {
        case .success(let minor): return Money(minorUnits: minor, currency: currency)
        case .failure(.empty): return nil
        case .failure(let error): throw RecordError(field: "\(key)", error)
        }
    }

    /// Integer minor units (`1234`), as a number or a string.
    func minorAmount(_ key: StaticString) throws(RecordError) -> Int64? {
        guard let value = self[key], !value.isNull else { return nil }
        guard value.kind == .string || value.kind == .number else {
            throw RecordError(field: "\(key)", "expected an integer amount in minor units")
        }
        let parsed = value.withStringBytes { bytes -> Result<Int64, AmountError> in
            do throws(AmountError) {
                return .success(try AmountParser.parseMinor(bytes))
            } catch { return .failure(error) }
        }!
        switch parsed {
        case .success(let minor): return minor
        case .failure(.empty): return nil
        case .failure(let error): throw RecordError(field: "\(key)", error)
        }
    }

    /// A required ISO 4217 code, any case.
    func currency(_ key: StaticString) throws(RecordError) -> Currency {
        guard let value = self[key], !value.isNull else {
            throw RecordError(field: "\(key)", "currency is missing")
        }
        let found = value.withStringBytes { Currency(asciiCode: $0) } ?? nil
        guard let found else {
            throw RecordError(
                field: "\(key)", AmountError.unknownCurrency(value.scalarText ?? "").description)
        }
        return found
    }

    /// An RFC 3339 or `YYYY-mm-dd HH:MM:SS` date-time; nil when absent or empty.
    func timestamp(_ key: StaticString, zoneOffsetSeconds: Int64 = 0) throws(RecordError) -> Timestamp? {
        guard let value = self[key], value.kind == .string else { return nil }
        let parsed = value.withStringBytes { bytes -> Result<Timestamp?, DateError> in
            if bytes.isEmpty { return .success(nil) }
            do throws(DateError) {
                return .success(try Timestamp(parsing: bytes, zoneOffsetSeconds: zoneOffsetSeconds))
            } catch { return .failure(error) }
        }!
        switch parsed {
        case .success(let stamp): return stamp
        case .failure(let error): throw RecordError(field: "\(key)", error.description)
        }
    }

    /// Epoch time as an integer: milliseconds when `milliseconds`, else seconds.
    func epoch(_ key: StaticString, milliseconds: Bool) throws(RecordError) -> Timestamp? {
        guard let value = self[key], !value.isNull else { return nil }
        guard let raw = try minorAmount(key) else { return nil }
        return Timestamp(millisecondsSince1970: milliseconds ? raw : raw * 1000)
    }
}
