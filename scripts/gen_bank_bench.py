#!/usr/bin/env python3
"""Generates bank statements of about SIZE_MB each for scripts/bank-speed.sh: an MT940 file
(German style: statements of 100 entries with ?20 subfields, SEPA tags, balances that tie) and a
BAI2 file (groups of accounts with 16 details, 88 continuations, trailers that tie).
  python3 scripts/gen_bank_bench.py DIR SIZE_MB"""
import os
import random
import sys

out, size_mb = sys.argv[1], int(sys.argv[2])
os.makedirs(out, exist_ok=True)
target = size_mb * 1_000_000
rng = random.Random(7)


def money(cents):
    return f"{cents // 100},{cents % 100:02d}"


mt940 = os.path.join(out, f"statements-{size_mb}.mt940")
if not os.path.exists(mt940):
    with open(mt940, "w", newline="\r\n") as f:
        written, n, balance = 0, 0, 1_000_000
        while written < target:
            n += 1
            lines = [f":20:STARTUMS{n}", ":25:10070000/0123456700", f":28C:{n:05d}/001",
                     f":60F:C240605EUR{money(balance)}"]
            for k in range(100):
                cents = rng.randrange(100, 500_000)
                credit = rng.random() < 0.7
                balance += cents if credit else -cents
                mark = "C" if credit else "D"
                lines.append(f":61:2406050605{mark}{money(cents)}NTRFNONREF//06241{n:06d}{k:04d}")
                lines.append(f":86:166?00SEPA-GUTSCHRIFT?100599?20EREF+INV-{n}-{k}?21SVWZ+Rechnung INV-{n}-")
                lines.append(f"{k} danke?30COBADEFFXXX?31DE89370400440532013000?32MUSTERMANN GMBH")
            if balance < 0:
                balance = -balance
                lines.append(f":62F:D240605EUR{money(balance)}")
            else:
                lines.append(f":62F:C240605EUR{money(balance)}")
            lines.append("-")
            text = "\n".join(lines) + "\n"
            f.write(text)
            written += len(text) + text.count("\n")
            if balance < 0:
                balance = -balance

bai2 = os.path.join(out, f"statements-{size_mb}.bai2")
if not os.path.exists(bai2):
    with open(bai2, "w", newline="\r\n") as f:
        f.write("01,121000248,ACMECORP,240606,0600,1,,,2/\n")
        written, groups, file_total, file_records = 0, 0, 0, 1
        while written < target:
            groups += 1
            group_total, group_records, accounts = 0, 1, 0
            block = [f"02,ACMECORP,121000248,1,240605,2400,USD,2/"]
            for a in range(10):
                accounts += 1
                account_total, records = 0, 1
                details = []
                for k in range(100):
                    cents = rng.randrange(100, 500_000)
                    code = rng.choice(["165", "195", "475", "451"])
                    details.append(f"16,{code},{cents},Z,BR{groups}{a}{k},CR{groups}-{a}-{k},ACH PAYMENT/")
                    details.append(f"88,EREF: E2E-{groups}-{a}-{k}")
                    account_total += cents
                    records += 2
                opening = rng.randrange(0, 10_000_000)
                account_total += opening
                block.append(f"03,{4000000000 + a},USD,010,{opening},,,/")
                block += details
                records += 1
                block.append(f"49,{account_total},{records}/")
                group_total += account_total
                group_records += records
            group_records += 1
            block.append(f"98,{group_total},{accounts},{group_records}/")
            text = "\n".join(block) + "\n"
            f.write(text)
            written += len(text) + text.count("\n")
            file_total += group_total
            file_records += group_records
        f.write(f"99,{file_total},{groups},{file_records + 1}/\n")
print(mt940)
print(bai2)
