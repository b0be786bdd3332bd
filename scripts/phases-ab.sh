#!/usr/bin/env bash
# Interleaved runs of two or more recon binaries on the cached 1M benchmark data (made by
# ../shared/bench/compare.py), printing min/median of each RECON_TRACE phase and of wall time:
#   bash scripts/phases-ab.sh RUNS OLD_BINARY NEW_BINARY
# The machine is noisy; compare binaries in the same call, never across calls.
RUNS=$1; shift
set -euo pipefail
D="${HOME}/.cache/recon-bench/data/n1000000-s42"
out=$(mktemp -d)
for i in $(seq $RUNS); do for b in "$@"; do
  RECON_TRACE=1 /usr/bin/time -f "TIME %e" $b reconcile --payments $D/created.jsonl --settlement $D/settlement.csv.gz --out "$out" 2>&1 >/dev/null | sed "s|^|$b |"
done; done | python3 -c "
import sys,re,statistics,collections
r=collections.defaultdict(lambda: collections.defaultdict(list))
for l in sys.stdin:
    b,rest=l.split(' ',1)
    m=re.match(r'trace: (\d+) ms (\w+)',rest)
    if m: r[b][m.group(2)].append(int(m.group(1)))
    m=re.match(r'TIME ([\d.]+)',rest)
    if m: r[b]['wall'].append(float(m.group(1))*1000)
    m=re.match(r'trace:   payments read in (\d+) ms.*settlement in (\d+) ms',rest)
    if m: r[b]['pay'].append(int(m.group(1))); r[b]['stl'].append(int(m.group(2)))
phases=['pay','stl','read','indexed','attached','classified','wrote','wall']
print('%-22s'%'', ' '.join('%14s'%p for p in phases))
for b,v in r.items():
    print('%-22s'%b[-22:], ' '.join('%6d/%-7d'%(min(v[p]),statistics.median(v[p])) if v[p] else '%14s'%'-' for p in phases))
"
