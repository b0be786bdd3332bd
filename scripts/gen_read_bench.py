#!/usr/bin/env python3
"""Writes the reading-speed inputs: a Stripe-style itemized report CSV.gz and a camt.053,
each about SIZE_MB of uncompressed text. Deterministic; written once and cached."""
import gzip, os, random, sys

def stripe_csv(path, size):
    header = ("balance_transaction_id,created_utc,created,available_on_utc,currency,gross,fee,net,reporting_category,"
              "source_id,description,customer_facing_amount,customer_facing_currency,automatic_payout_id,"
              "automatic_payout_effective_at_utc,charge_id,payment_intent_id,charge_created_utc,card_brand,"
              "card_funding,card_country,payment_metadata[order_id]\n")
    rnd = random.Random(7)
    written = 0
    with gzip.open(path, "wt", compresslevel=1, newline="") as f:
        f.write(header)
        i = 0
        block = []
        while written < size:
            i += 1
            cents = rnd.randrange(100, 500000)
            fee = cents * 29 // 1000 + 30
            cur = "usd" if i % 7 else "jpy"
            if cur == "jpy":
                gross, feev, net = str(cents // 100), str(fee // 100), str(cents // 100 - fee // 100)
            else:
                gross, feev, net = f"{cents // 100}.{cents % 100:02d}", f"{fee // 100}.{fee % 100:02d}", \
                    f"{(cents - fee) // 100}.{(cents - fee) % 100:02d}"
            day = 1 + i % 28
            line = (f"txn_{i:020d},2024-05-{day:02d} 10:{i % 60:02d}:{i % 59:02d},2024-05-{day:02d} 12:00:00,"
                    f"2024-05-{day:02d} 00:00:00,{cur},{gross},{feev},{net},charge,ch_{i:024d},\"Order {i}, web\","
                    f"{gross},{cur},po_{i // 5000:020d},2024-05-{day:02d} 00:00:00,ch_{i:024d},pi_{i:024d},"
                    f"2024-05-{day:02d} 10:00:00,visa,credit,US,ORD-{i:012d}\n")
            block.append(line)
            written += len(line)
            if len(block) == 10000:
                f.write("".join(block))
                block = []
        f.write("".join(block))
    return written

def camt053(path, size):
    rnd = random.Random(11)
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">\n<BkToCstmrStmt>\n'
            '<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2024-05-02T20:00:00+02:00</CreDtTm></GrpHdr>\n<Stmt>\n'
            '<Id>BENCH-1</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>\n')
    written = 0
    credits = 0
    count = 0
    with open(path, "w") as f:
        f.write(head)
        block = []
        while written < size:
            count += 1
            cents = rnd.randrange(100, 500000)
            credits += cents
            amount = f"{cents // 100}.{cents % 100:02d}"
            entry = (f"<Ntry><NtryRef>N{count}</NtryRef><Amt Ccy=\"EUR\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
                     f"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2024-05-02</Dt></BookgDt><ValDt><Dt>2024-05-02</Dt></ValDt>"
                     f"<AcctSvcrRef>BANK-{count:012d}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd>"
                     f"<SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls><Refs>"
                     f"<EndToEndId>E2E-{count:012d}</EndToEndId><TxId>TX-{count:012d}</TxId></Refs>"
                     f"<Amt Ccy=\"EUR\">{amount}</Amt><RltdPties><Dbtr><Pty><Nm>Customer {count}</Nm></Pty></Dbtr>"
                     f"</RltdPties><RmtInf><Ustrd>Order {count}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n")
            block.append(entry)
            written += len(entry)
            if len(block) == 10000:
                f.write("".join(block))
                block = []
        f.write("".join(block))
        f.write(f"<TxsSummry><TtlCdtNtries><NbOfNtries>{count}</NbOfNtries>"
                f"<Sum>{credits // 100}.{credits % 100:02d}</Sum></TtlCdtNtries></TxsSummry>\n")
        f.write("</Stmt>\n</BkToCstmrStmt>\n</Document>\n")
    return written

if __name__ == "__main__":
    out, size_mb = sys.argv[1], int(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    size = size_mb << 20
    for name, make in [("stripe_itemized.csv.gz", stripe_csv), ("statement.camt053.xml", camt053)]:
        path = os.path.join(out, name)
        if not os.path.exists(path):
            make(path + ".tmp", size)
            os.rename(path + ".tmp", path)
        print(path)
