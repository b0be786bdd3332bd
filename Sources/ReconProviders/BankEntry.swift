public import PaymentModels

/// One entry of a bank statement, whatever the format (camt, MT940, BAI2, OFX, Norma 43): what a
/// bank says of one movement on an account. It becomes a `SettlementRecord` whose key is the most
/// specific reference the bank passed on, and whose other keys include the words of its
/// remittance text that can be references (`po_1001` in "STRIPE PAYOUT po_1001"): usable as
/// `--bank` (a payout met by a credit) and as `--settlement` (a transfer or direct debit met by
/// its end-to-end id or a reference in its remittance text).
///
/// Every format's records are made by one function, `BankEntry.record(references:...)`, so the
/// keys follow the same rules everywhere. The readers of large files (camt, MT940, BAI2) call it
/// with the parts a record carries, read on their hot path, without building an entry; OFX and
/// Norma 43 build the whole entry (their counterparty included, which no record carries yet).
struct BankEntry {
    /// Booked (`settled`: a statement), pending (an interim report, camt `PDNG`), reversed (camt
    /// `RvslInd`) or unknown (a camt status recon does not know).
    var status = SettlementStatus.settled
    /// The status as the bank wrote it, where the format states one (camt `Sts`); otherwise the
    /// transaction code stands as the record's raw status.
    var statusText: String?
    var bookingDate: Timestamp?
    var valueDate: Timestamp?
    /// Signed: a credit is positive.
    var amount: Money
    /// The amount first instructed, before charges or conversion (MT940 `/OCMT/`).
    var originalAmount: Money?
    /// Charges taken from the amount (MT940 `/CHGS/`).
    var charges: Money?
    /// The bank's own reference for the entry: the record's settlement id, and a key after the
    /// references.
    var bankReference: String?
    /// The references to match on, most specific first: the end-to-end id the payer gave (SEPA
    /// `EREF`, camt `EndToEndId` after a structured creditor reference), then other references
    /// (`KREF`, `MREF`, the customer reference of a `:61:` line, camt's transaction, instruction
    /// and bank ids and each unstructured remittance line).
    var references = KeyList(ignoring: .bank)
    /// Free text for the payee (SEPA `SVWZ`, `/REMI/`, unstructured `:86:`, camt `Ustrd`).
    var remittance: String?
    var counterpartyName: String?
    var counterpartyAccount: String?
    /// The bank's transaction code as written (`NTRF`, GVC `166`, ...), and the kind it means.
    var code: String
    var kind: SettlementKind = .payment

    /// The entry as a settlement record on `account`: its references, then its bank reference,
    /// its remittance text and the words in it that can be references.
    consuming func record(account: String?, provenance: Provenance) -> SettlementRecord {
        Self.record(
            references: references, bankReference: bankReference, remittance: remittance, amount: amount,
            charges: charges, status: status, rawStatus: statusText ?? code, settledAt: bookingDate ?? valueDate,
            kind: kind, account: account, provenance: provenance)
    }

    /// The record of an entry given as its parts: for a reader whose entries cross threads in a
    /// compact form of their own (BAI2's), made a record without a `BankEntry` between.
    static func record(
        references: consuming KeyList, bankReference: String?, remittance: String?, amount: Money, charges: Money?,
        status: SettlementStatus, rawStatus: String, settledAt: Timestamp?, kind: SettlementKind, account: String?,
        provenance: Provenance
    ) -> SettlementRecord {
        // the references themselves, not a copy of them (a copy counted each string again)
        references.add(bankReference)
        if let remittance {
            references.add(remittance)
            // a payment's reference written inside the text ("Order shop-3, thanks")
            forEachReferenceWord(in: remittance) { references.add($0) }
        }
        return SettlementRecord(
            key: references.key, alternateKeys: references.alternates, settlementId: bankReference, provider: account,
            gross: amount, fee: charges, status: status, rawStatus: rawStatus, settledAt: settledAt,
            provenance: provenance, kind: kind)
    }

    /// Each word of remittance text that can be a reference: at least 4 bytes, with a digit,
    /// not the whole text (split on blanks, commas and semicolons over the bytes).
    static func forEachReferenceWord(in text: String, _ body: (String) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            func word(_ end: Int) {
                var e = end
                while e > start,
                    bytes[e - 1] == UInt8(ascii: ".") || bytes[e - 1] == UInt8(ascii: ":")
                        || bytes[e - 1] == UInt8(ascii: ")")
                {
                    e -= 1
                }
                guard e - start >= 4, e - start < bytes.count else { return }
                for k in start..<e where bytes[k] >= 0x30 && bytes[k] <= 0x39 {
                    body(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<e]), as: UTF8.self))
                    return
                }
            }
            for i in 0..<bytes.count {
                let b = bytes[i]
                guard b == 0x20 || b == 0x2C || b == 0x3B || b == 0x0A || b == 0x09 else { continue }
                word(i)
                start = i + 1
            }
            if start < bytes.count { word(bytes.count) }
        }
    }
}
