/// A camt.053 statement on one account, as the store and exceptions tests hand recon a bank
/// file: the document around `entries` (`<Ntry>` elements).
func camt053Statement(_ entries: String) -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
    <GrpHdr><MsgId>M</MsgId><CreDtTm>2024-05-04T18:00:00Z</CreDtTm></GrpHdr><Stmt><Id>S</Id>
    <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>

    """ + entries + "</Stmt></BkToCstmrStmt></Document>\n"
}
