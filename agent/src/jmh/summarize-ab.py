#!/usr/bin/env python3
"""Paired ratios to no agent from run-ab.sh's slices (ab.tsv), as Markdown.

usage: summarize-ab.py RESULTS_DIR [BASE_CONFIG]

Each configuration's slice is divided by the BASE_CONFIG (default `none`) slice of the same
round, server and kind, which ran seconds before or after it, so the machine's slow drift
cancels. Per metric: the median of those per-round ratios with a distribution-free 95 %
confidence interval of the median (order statistics of the binomial), the geometric mean with
a 95 % interval (t on the logs), and the ratio of the totals (all requests over all CPU ticks of
the run). Also the JIT compiler and GC ticks inside the measured slices: near zero means the
servers were warm.
"""
import csv
import math
import os
import statistics
import sys

METRICS = [  # column, label, format
    ("req_per_s", "requests/s", "%.3f"),
    ("cpu_us_per_req", "CPU/request", "%.3f"),
    ("p50_ms", "p50", "%.3f"),
    ("p99_ms", "p99", "%.3f"),
]

# two-sided 97.5 % quantile of Student's t for n - 1 degrees of freedom (n >= 2); 1.96 beyond 30
T975 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26, 10: 2.23,
        11: 2.20, 12: 2.18, 13: 2.16, 14: 2.14, 15: 2.13, 16: 2.12, 17: 2.11, 18: 2.10, 19: 2.09,
        20: 2.09, 21: 2.08, 22: 2.07, 23: 2.07, 24: 2.06, 25: 2.06, 26: 2.06, 27: 2.05, 28: 2.05,
        29: 2.05, 30: 2.04}


def read(path):
    with open(path) as f:
        return list(csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"))


def median_ci(xs):
    """95 % confidence interval of the median: the order statistics x(k), x(n+1-k) with the
    largest k such that P(Binomial(n, 1/2) < k) <= 2.5 %."""
    xs = sorted(xs)
    n = len(xs)
    k, cum = 0, 0.0
    for j in range(n + 1):
        p = math.comb(n, j) / 2 ** n
        if cum + p > 0.025:
            break
        cum += p
        k = j + 1
    if k < 1:
        return float("nan"), float("nan")
    return xs[k - 1], xs[n - k]


def geo(xs):
    logs = [math.log(x) for x in xs]
    m = statistics.mean(logs)
    if len(logs) < 2:
        return math.exp(m), float("nan"), float("nan")
    half = T975.get(len(logs) - 1, 1.96) * statistics.stdev(logs) / math.sqrt(len(logs))
    return math.exp(m), math.exp(m - half), math.exp(m + half)


def main():
    d = sys.argv[1]
    base = sys.argv[2] if len(sys.argv) > 2 else "none"
    rows = read(os.path.join(d, "ab.tsv"))
    if os.path.exists(os.path.join(d, "env.txt")):
        print("```")
        print(open(os.path.join(d, "env.txt")).read().rstrip())
        print("```")
    configs, keys = [], []
    for r in rows:
        if r["config"] not in configs:
            configs.append(r["config"])
        if (r["server"], r["kind"]) not in keys:
            keys.append((r["server"], r["kind"]))
    at = {(r["round"], r["config"], r["server"], r["kind"]): r for r in rows}
    rounds = sorted({r["round"] for r in rows}, key=int)
    for server, kind in keys:
        print(f"\n### {server}, {kind}\n")
        print(f"`{base}` (median of slices [min–max]): " + ", ".join(
            f"{label} " + (fmt % statistics.median(v)) + " [" + (fmt % min(v)) + "–" + (fmt % max(v)) + "]"
            for col, label, fmt in METRICS
            for v in [[float(at[(rd, base, server, kind)][col]) for rd in rounds if (rd, base, server, kind) in at]]))
        print()
        print(f"| config | metric | n | median ratio to `{base}` [95 % CI] | geometric mean [95 % CI] | ratio of totals | rounds above 1 |")
        print("|---|---|---|---|---|---|---|")
        for cfg in configs:
            if cfg == base:
                continue
            pairs = [(at[(rd, cfg, server, kind)], at[(rd, base, server, kind)]) for rd in rounds
                     if (rd, cfg, server, kind) in at and (rd, base, server, kind) in at]
            if not pairs:
                continue
            for col, label, fmt in METRICS:
                ratios = [float(a[col]) / float(b[col]) for a, b in pairs if float(b[col]) > 0 and float(a[col]) > 0]
                if not ratios:
                    continue
                lo, hi = median_ci(ratios)
                g, glo, ghi = geo(ratios)
                if col == "cpu_us_per_req":
                    tot = (sum(float(a["cpu_ticks"]) for a, _ in pairs) / sum(float(a["requests"]) for a, _ in pairs)) / \
                          (sum(float(b["cpu_ticks"]) for _, b in pairs) / sum(float(b["requests"]) for _, b in pairs))
                elif col == "req_per_s":
                    tot = sum(float(a["requests"]) for a, _ in pairs) / sum(float(b["requests"]) for _, b in pairs)
                else:
                    tot = float("nan")
                above = sum(1 for x in ratios if x > 1)
                print(f"| `{cfg}` | {label} | {len(ratios)} | {statistics.median(ratios):.3f} [{lo:.3f}–{hi:.3f}] | "
                      f"{g:.3f} [{glo:.3f}–{ghi:.3f}] | {'' if math.isnan(tot) else f'{tot:.3f}'} | {above} of {len(ratios)} |")
    print("\n### JIT compiler and GC ticks inside the measured slices (1 tick = 10 ms)\n")
    print("| config | slices | CPU ticks | JIT ticks | GC ticks | non-2xx | socket errors |")
    print("|---|---|---|---|---|---|---|")
    for cfg in configs:
        sel = [r for r in rows if r["config"] == cfg]
        errs = sum(1 for r in sel if r["socket_errors"] not in ("0", ""))
        print(f"| `{cfg}` | {len(sel)} | {sum(int(r['cpu_ticks']) for r in sel)} | {sum(int(r['jit_ticks']) for r in sel)} | "
              f"{sum(int(r['gc_ticks']) for r in sel)} | {sum(int(r['non2xx']) for r in sel)} | {errs} slices |")


if __name__ == "__main__":
    main()
