#!/usr/bin/env python3
"""Summarizes a perf-load.sh directory: the agent's own CPU per request inside the loaded server.

usage: perf-agg.py DIR [top]
For each configuration, server and request kind (median over rounds, [min-max]):
  cpu      the server's CPU per request (utime+stime over the window, /proc/<pid>/stat), µs
  user     its user part, µs (perf sees only user space)
  sampled  the request threads' user samples per request, ns
  agent    request-thread samples with an agent frame on the stack, per request, ns
  gc, jit  the collector's and the JIT's user samples per request, ns (perf-stacks.py's groups)
  share    agent / sampled (a share within one run, robust to the machine's drift) and
           agent / cpu (the agent's direct part of the server's CPU per request)
then the agent's samples by entry frame and by leaf frame, ns per request summed over rounds.
"""
import collections
import glob
import os
import re
import statistics
import sys

d = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 12
freq = float(re.search(r'freq=(\d+)', open(os.path.join(d, 'env.txt')).read()).group(1))
ns_per_sample = 1e9 / freq
ticks_ns = 1e9 / os.sysconf('SC_CLK_TCK')

runs = collections.defaultdict(list)
with open(os.path.join(d, 'runs.tsv')) as f:
    next(f)
    for line in f:
        r, cfg, sv, kind, req, ut, st = line.split()
        stacks = os.path.join(d, f'{cfg}-{sv}-{kind}-{r}.stacks')
        if not os.path.exists(stacks) or int(req) == 0:
            continue
        c = {'group': collections.Counter(), 'entry': collections.Counter(), 'leaf': collections.Counter(),
             'agent': 0}
        for s in open(stacks):
            parts = s.rstrip('\n').split(' ', 2)
            if parts[0] == 'agent':
                c['agent'] = int(parts[1])
            elif parts[0] in ('group', 'entry', 'leaf'):
                c[parts[0]][parts[2]] += int(parts[1])
        n = int(req)
        runs[(cfg, sv, kind)].append({
            'cpu': (int(ut) + int(st)) * ticks_ns / n / 1000, 'user': int(ut) * ticks_ns / n / 1000,
            'sampled': c['group']['request'] * ns_per_sample / n, 'agent': c['agent'] * ns_per_sample / n,
            'gc': c['group']['gc'] * ns_per_sample / n, 'jit': c['group']['jit'] * ns_per_sample / n,
            'entry': {k: v * ns_per_sample / n for k, v in c['entry'].items()},
            'leaf': {k: v * ns_per_sample / n for k, v in c['leaf'].items()}})


def fmt(values, spec):
    m = statistics.median(values)
    return f'{m:{spec}} [{min(values):{spec}}–{max(values):{spec}}]'


def short(frame):
    frame = re.sub(r'^\S+ (?=\S+\()', '', frame)  # return type
    frame = re.sub(r'\(.*\)$', '()', frame)
    return frame.replace('io.corsguard.', '').replace('io.netty.', '')


for key in sorted(runs):
    rs = runs[key]
    print(f'{"/".join(key)}: {len(rs)} rounds')
    print(f'  cpu {fmt([r["cpu"] for r in rs], ".2f")} µs, user {fmt([r["user"] for r in rs], ".2f")} µs, '
          f'sampled {fmt([r["sampled"] for r in rs], ".0f")} ns, agent {fmt([r["agent"] for r in rs], ".0f")} ns')
    print(f'  gc {fmt([r["gc"] for r in rs], ".0f")} ns, jit {fmt([r["jit"] for r in rs], ".0f")} ns')
    print(f'  agent share of sampled {fmt([100 * r["agent"] / r["sampled"] for r in rs], ".1f")} %, '
          f'of cpu {fmt([100 * r["agent"] / 1000 / r["cpu"] for r in rs], ".2f")} %')
    for what in ('entry', 'leaf'):
        total = collections.Counter()
        for r in rs:
            total.update(r[what])
        for k, v in total.most_common(top):
            if v / len(rs) >= 1:
                print(f'    {what} {v / len(rs):6.1f} ns  {short(k)}')
