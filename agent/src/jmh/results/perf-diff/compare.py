#!/usr/bin/env python3
"""compare.py DIR BASE CFG KIND [FREQ]: user CPU ns per request by symbol, CFG against BASE."""
import re, sys, glob, collections, statistics
d, base, cfg, kind = sys.argv[1:5]
freq = float(sys.argv[5]) if len(sys.argv) > 5 else 1999.0
line = re.compile(r'^\s+([\d.]+)%\s+(\d+)\s+(\S+(?: tid \d+)?)\s+\[(.)\]\s+(.*?)\s*$')
def load(c):
    runs = []
    for rep in sorted(glob.glob(f'{d}/report-{c}-{kind}-*.txt')):
        r = rep.rsplit('-', 1)[1][:-4]
        w = open(f'{d}/wrk-{c}-{kind}-{r}.txt').read()
        req = int(re.search(r'(\d+) requests in', w).group(1))
        per = collections.Counter()
        for l in open(rep):
            m = line.match(l)
            if not m: continue
            dso, sym = m.group(3), m.group(5)
            if dso.startswith('[JIT]') and sym.startswith('0x'): sym = '(unresolved JIT)'
            elif sym.startswith('0x'): sym = f'({dso} unresolved)'
            sym = re.sub(r'^\S+ ', '', sym) if '(' in sym and not sym.startswith('(') else sym  # drop return type
            per[sym] += int(m.group(2))
        runs.append({s: n / freq / req * 1e9 for s, n in per.items()})
    return runs
B, C = load(base), load(cfg)
keys = set().union(*B, *C)
def med(runs, k): return statistics.median([r.get(k, 0.0) for r in runs])
tb = statistics.median([sum(r.values()) for r in B]); tc = statistics.median([sum(r.values()) for r in C])
print(f'{kind}: user CPU per request (ns), median of {len(B)}/{len(C)} runs: {base} {tb:.0f}  {cfg} {tc:.0f}  diff {tc-tb:+.0f}')
print('  per run', base, [round(sum(r.values())) for r in B], cfg, [round(sum(r.values())) for r in C])
rows = sorted(keys, key=lambda k: -(med(C, k) - med(B, k)))
n = int(sys.argv[6]) if len(sys.argv) > 6 else 25
print(f'{"diff":>7} {base:>7} {cfg:>7}  symbol')
for k in rows[:n]:
    print(f'{med(C,k)-med(B,k):+7.1f} {med(B,k):7.1f} {med(C,k):7.1f}  {k[:150]}')
print('...')
for k in rows[-8:]:
    print(f'{med(C,k)-med(B,k):+7.1f} {med(B,k):7.1f} {med(C,k):7.1f}  {k[:150]}')
