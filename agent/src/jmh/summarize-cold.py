#!/usr/bin/env python3
"""Before/after table of ColdPairs runs (run-cold.sh): the median, over the runs (one JVM each), of
each pair's median added ns. Files: <dir>/ab-before-N.txt and <dir>/ab-after-N.txt, as written by
   CLASSES=<earlier build's classes> OUT=<dir>/ab-before-N.txt RUNS=1 agent/src/jmh/run-cold.sh ...
   OUT=<dir>/ab-after-N.txt RUNS=1 agent/src/jmh/run-cold.sh ...
alternated N = 1, 2, ... Usage: summarize-cold.py <dir> [A B]: with A and B, compares the runs in
<dir>/A-N.txt (or ab-A-N.txt) with those in <dir>/B-N.txt instead of before with after."""
import collections
import glob
import re
import statistics
import sys

ROWS = ('tomcat', 'tomcat-engine', 'netty', 'netty-exchange')


def main(out_dir, first='before', second='after'):
    added = collections.defaultdict(list)
    for f in sorted(glob.glob(out_dir + '/*-*.txt')):
        m = re.search(r'/(?:ab-)?(\w+)-\d+\.txt$', f)
        if not m:
            continue
        tag = m.group(1)
        for line in open(f):
            p = line.rstrip('\n').split('\t')
            if len(p) >= 8 and p[0] in ROWS:
                added[(p[0], p[1], p[2], tag)].append(float(p[5]))
    keys = sorted({k[:3] for k in added}, key=lambda k: (ROWS.index(k[0]), k[1], k[2]))
    print(f'| pair | kind | caches | {first}: added ns, median [each JVM] | {second} | change |')
    print('|---|---|---|---|---|---|')
    for k in keys:
        b, a = added[k + (first,)], added[k + (second,)]
        if not b or not a:
            continue
        mb, ma = statistics.median(b), statistics.median(a)
        print(f"| {k[0]} | {k[1]} | {k[2]} | {mb:.0f} [{', '.join('%.0f' % x for x in b)}] "
              f"| {ma:.0f} [{', '.join('%.0f' % x for x in a)}] | {ma - mb:+.0f} |")


if __name__ == '__main__':
    main(*sys.argv[1:4])
