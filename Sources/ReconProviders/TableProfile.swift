public import PaymentModels
public import ReconIngest

/// How to read one tabular settlement layout: which header identifies it, which columns hold
/// the key, the amount and its sign, the status and the time, and where the file states its
/// own totals. The built-in layouts (WeChat Pay, Alipay, Vipps, ...) are values of this type,
/// so each reads as a short table of facts rather than code.
public struct TableProfile: Sendable {
    public var name: String
    public var description: String
    /// Columns the header must have (after trimming spaces, tabs and a leading backtick).
    public var signature: [String]
    /// Key columns, most specific first: the first non-empty one is the record's key, the
    /// others are tried after it.
    public var keyColumns: [String]
    public var settlementIdColumns: [String] = []
    public var amount: AmountRule
    public var currency: CurrencyRule
    /// Columns whose values add up to the fee (unsigned).
    public var feeColumns: [String] = []
    /// The encoding the layout's files are always in (see `SettlementFormat.knownEncoding`).
    public var knownEncoding: TextEncoding?
    public var netColumn: String?
    public var status: StatusRule?
    /// The column naming each row's record type, mapped onto `SettlementKind` (nil: every row
    /// is a payment's settlement).
    public var kind: KindRule?
    /// Columns holding the payout or batch a row was paid out in, first non-empty wins.
    public var batchColumns: [String] = []
    /// Rows without a batch column are paid out by day (a WeChat Pay or Alipay bill day, a
    /// PayPal settlement day): the batch is the profile's name and the row's local date,
    /// `wechatpay-tradebill 2021-01-24`.
    public var batchByDay = false
    /// The direction column of a `.directed` amount must hold one of its values: anything else
    /// is a reject naming it (PayPal's `DR`/`CR`), not an unsigned amount.
    public var directionRequired = false
    /// A row whose amount comes out negative is a refund (Vipps: Gross + Refund, no type column).
    public var negativeIsRefund = false
    public var timeColumn: String?
    /// Columns stating when a row's batch is paid out, first present wins (Stripe's
    /// `automatic_payout_effective_at_utc` or `automatic_payout_effective_at`).
    public var payoutTimeColumns: [String] = []
    /// Offset of the times written without one (China time is +08:00).
    public var timeZoneOffsetSeconds: Int64 = 0
    /// A European zone's summer-time rule for times written without an offset (`Europe/Berlin`),
    /// instead of the fixed `timeZoneOffsetSeconds`.
    public var europeanTime: EuropeanTime?
    /// `DD.MM.YYYY` or `DD/MM/YYYY` dates (Vipps) instead of ISO.
    public var dayFirstDates = false
    /// `MM/DD/YYYY` dates (US exports).
    public var monthFirstDates = false
    /// Amounts written with a decimal comma (`1.234,56`): dots are thousands separators.
    public var decimalComma = false
    /// Lines before the header row (a profile's `skip_lines`); built-in layouts find their
    /// header instead.
    public var skipLines = 0
    /// No header row: columns are named by position, `1`, `2`, ...
    public var positional = false
    /// A column naming each row's time zone by abbreviation (Adyen's `TimeZone`: CET, CEST,
    /// BST, ...), used instead of `timeZoneOffsetSeconds`.
    public var timeZoneColumn: String?
    /// Amounts are integers in minor units, decimals implied by the currency (PayPal STL).
    public var minorUnits = false
    /// The currency the row was paid out in, that of its fee and net, when it may differ from
    /// the gross currency (Adyen's `Net Currency`).
    public var settlementCurrencyColumn: String?
    /// Unsigned net debit and credit columns, one of them filled: credit - debit (Adyen's
    /// `Net Debit (NC)` / `Net Credit (NC)`), instead of `netColumn`.
    public var netDebitCredit: (debit: String, credit: String)?
    /// The exchange rate from the gross into the settlement currency, when the file states one.
    public var rateColumn: String?
    /// A row with neither gross column filled is an account row (a fee, an invoice deduction,
    /// a payout): its amount is its net, in the settlement currency (Adyen).
    public var netOnlyRows = false
    /// How the fee columns write their sign.
    public var feeSign = FeeSign.unsigned
    /// Amounts are integers with this many implied decimals, whatever the currency (`12345`
    /// with 2 is 123.45); nil: as written (or minor units, with `minorUnits`).
    public var impliedDecimals: Int?
    /// How an amount finer than its currency is rounded; nil: such an amount is an error.
    public var rounding: RoundingRule?
    /// Footer rows stating the sum of the records' amounts: the record type (first cell), the
    /// cell holding the sum, and whether it covers the section (else the file).
    public var sumFooters: [(type: String, column: Int, perSection: Bool)] = []
    /// A column stating the account's balance after each row (PayPal's `Guthaben`): each row's
    /// balance must be the previous row's plus this row's net, checked as a control total.
    public var balanceColumn: String?
    /// The cell of a section header row (`sectionType`) naming the batch of the records that
    /// follow it (a typed file's `H` line).
    public var sectionBatchColumn: Int?
    /// Further columns tried, in order, when `timeColumn` is absent from the file (Stripe's
    /// `created` where newer exports have `created_utc`).
    public var alternateTimeColumns: [String] = []
    /// A column holding a JSON object of the merchant's metadata (Adyen's `Metadata`): its
    /// values under names holding `ref` or `order` are further keys.
    public var metadataColumn: String?
    /// Footer rows of a typed file stating record counts (PayPal's SC per section, RC per
    /// report), checked against the records; a section starts at a `sectionType` row.
    public var countFooters: [(type: String, column: Int, perSection: Bool)] = []
    /// Footer rows stating totals per currency in PayPal's layout (SF per section, RF per
    /// report): type, currency, gross credits, gross debits, fee credits, fee debits, then the
    /// beginning and the ending balance, each after its `CR`/`DR`. Checked against the records.
    public var totalFooters: [(type: String, perSection: Bool)] = []
    /// The column saying whether a fee was charged or returned (PayPal's `Fee Debit or Credit`):
    /// a fee marked with one of `returned` goes back to the merchant and counts negative.
    public var feeDirection: (column: String, returned: [String])?
    public var sectionType: String?
    /// A row whose first cell starts with one of these ends the records (summary blocks,
    /// `#` trailers, dashed separators).
    public var endMarkers: [String] = []
    /// Rows with this value in `recordTypeColumn` are records; others are skipped (typed files).
    public var recordType: (column: String, value: String)?
    /// Summary sections this layout states, checked against the records.
    public var summary: SummaryRule?
    /// Cell values that mean "none" in key and id columns.
    public var emptyValues: [String] = ["/", "-"]

    public init(
        name: String, description: String, signature: [String], keyColumns: [String],
        amount: AmountRule, currency: CurrencyRule
    ) {
        self.name = name
        self.description = description
        self.signature = signature
        self.keyColumns = keyColumns
        self.amount = amount
        self.currency = currency
    }

    public enum AmountRule: Sendable {
        /// One signed column, major units.
        case signed(String)
        /// An unsigned column and a direction column: values in `credit` are +, in `debit` -,
        /// anything else (a transfer "/" or 不计收支) keeps the amount unsigned and is named in
        /// the record's raw status.
        case directed(amount: String, direction: String, credit: [String], debit: [String])
        /// A positive amount column and a refund column subtracted from it (WeChat's trade bill).
        case lessRefund(amount: String, refund: String)
        /// Signed columns added up (Vipps: Gross + Refund, the refund being negative).
        case sum([String])
        /// Unsigned debit and credit columns, one of them filled: credit - debit (Adyen).
        case debitCredit(debit: String, credit: String)
    }

    /// How fee columns write their sign.
    public enum FeeSign: String, Sendable, CaseIterable {
        /// A magnitude: always a charge (most exports).
        case unsigned
        /// Positive is charged, negative given back (Stripe's fee on a `dispute_reversal`).
        case signed
        /// Negative is charged, positive given back (PayPal's activity download: `-0,57`).
        case negativeCharged = "negative_charged"
    }

    public enum CurrencyRule: Sendable {
        case fixed(String)
        case column(String, fallback: String?)
    }

    public struct StatusRule: Sendable {
        public var column: String
        public var values: [String: SettlementStatus]
        /// For a value not in `values`; `.unknown` unless the layout knows better.
        public var otherwise: SettlementStatus
        public init(column: String, values: [String: SettlementStatus], otherwise: SettlementStatus = .unknown) {
            self.column = column
            self.values = values
            self.otherwise = otherwise
        }
    }

    /// How a record-type column maps onto kinds: exact values first, then prefixes (PayPal's
    /// event codes come in families: `T11..` reversals, `T12..` adjustments), then `otherwise`.
    public struct KindRule: Sendable {
        public var column: String
        public var values: [String: SettlementKind]
        public var prefixes: [(prefix: String, kind: SettlementKind)]
        /// For a value neither names; nil: such a row is a reject naming the value.
        public var otherwise: SettlementKind?
        public init(
            column: String, values: [String: SettlementKind],
            prefixes: [(prefix: String, kind: SettlementKind)] = [], otherwise: SettlementKind? = .payment
        ) {
            self.column = column
            self.values = values
            self.prefixes = prefixes
            self.otherwise = otherwise
        }

        public func kind(of value: String) -> SettlementKind? {
            if let kind = values[value] { return kind }
            return prefixes.first { value.hasPrefix($0.prefix) }?.kind ?? otherwise
        }
    }

    /// Where a layout states totals about its records.
    public enum SummaryRule: Sendable {
        /// A header row starting with `firstName` after the records, then one row of values;
        /// each named column is compared with a computed figure.
        case rows(firstName: String, figures: [String: Figure])
        /// Free-text lines (before or after the table) such as `收入：1笔 28.50元` or
        /// `#交易合计：3笔，商家实收共0.03元`: label -> the records its count and sum are of
        /// (those whose `column` holds one of `values`; all records when `column` is nil), and
        /// the column summed; `grammar` says how a line writes them.
        case lines([String: LineFigure], grammar: LineGrammar = .chinese)
    }

    /// How a summary line states a count and a sum: `label` `separator` count `countMark` ...
    /// amount `amountMark`, after any `prefix` characters.
    public struct LineGrammar: Sendable {
        public var prefix: Character
        public var separators: [Character]
        public var countMark: Character
        public var amountMark: Character
        public init(prefix: Character, separators: [Character], countMark: Character, amountMark: Character) {
            self.prefix = prefix
            self.separators = separators
            self.countMark = countMark
            self.amountMark = amountMark
        }

        /// WeChat Pay's and Alipay's: `#交易合计：3笔，商家实收共0.03元`, `收入：1笔 28.50元`.
        public static let chinese = LineGrammar(prefix: "#", separators: ["：", ":"], countMark: "笔", amountMark: "元")
    }

    public struct LineFigure: Sendable {
        public var column: String?
        public var values: [String]
        public var sumColumn: String
        public init(column: String? = nil, values: [String] = [], sumColumn: String) {
            self.column = column
            self.values = values
            self.sumColumn = sumColumn
        }
    }

    /// A computed figure a summary is compared with.
    public enum Figure: Sendable {
        case count
        case countWhere(column: String, values: [String])
        case sum(column: String)
        case sumWhere(column: String, whereColumn: String, values: [String])
    }
}

/// A column name as compared: case folded, runs of spaces and tabs as one space, trimmed.
/// PayPal writes `Transaction Debit or Credit` with one space in some files and two in others.
public func foldedColumnName(_ name: String) -> String {
    name.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
}

/// Cleans one cell the way these exports need: spaces and tabs trimmed (Alipay pads cells
/// and ends ids with a tab), a leading backtick removed (WeChat's guard against spreadsheets).
func cleanCell(_ bytes: UnsafeRawBufferPointer) -> String {
    var start = 0
    var end = bytes.count
    while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
    while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 || bytes[end - 1] == 0x0D { end -= 1 }
    if start < end, bytes[start] == 0x60 { start += 1 }
    return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
}
