#!/usr/bin/env python3
"""Paired ratios to no agent from run-ab.sh's slices (ab.tsv), as Markdown.

usage: summarize-ab.py RESULTS_DIR[+RESULTS_DIR...] [BASE_CONFIG]

Each configuration's slice is divided by the BASE_CONFIG (default `none`) slice of the same
round, server and kind, which ran seconds before or after it, so the machine's slow drift
cancels. Per metric: the median of those per-round ratios with a distribution-free 95 %
confidence interval of the median (order statistics of the binomial), the geometric mean with
a 95 % interval (t on the logs), and the ratio of the totals (all requests over all CPU ticks of
the run). Also the JIT compiler and GC ticks inside the measured slices: near zero means the
servers were warm.

Several runs joined with `+` (the same CONFIGS with ".N" tags, e.g. two runs of six JVM starts
each) are read as one: the second run's rounds follow the first's and its tags are renumbered
after them (none.1..6 become none.7..12), so the JVM-start table pools every JVM start. Each
JVM's level is still taken against the base group of its own rounds, that is of its own run.
The per-round tables compare with BASE_CONFIG (none.1), hence cover the first run only.
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


def starts(rows, configs, keys, rounds, base):
    """Configurations run as several JVM starts (none.1, none.2, correct.1, ...): the ratio of
    each group to the base group with an interval that counts the JVM starts as the samples.

    Per slice, log(metric) minus the mean of the base group's slices of the same round, server
    and kind takes out the machine's drift; the mean of that over a JVM's rounds is the JVM's
    level. A JVM start is one sample of what the JIT made of the code, so a group's ratio to the
    base group is the mean of its JVMs' levels against the base JVMs' (0 by construction), with
    a t interval on the JVMs' levels (pooled variance, df = JVMs - 2). Per-round pairing alone
    counts rounds as independent samples and misses the spread between JVM starts."""
    group = {}
    for c in configs:
        if "." in c:
            group.setdefault(c.split(".", 1)[0], []).append(c)
    bname = base.split(".", 1)[0]
    if bname not in group or len(group[bname]) < 2 or len(group) < 2:
        return
    at = {(r["round"], r["config"], r["server"], r["kind"]): r for r in rows}
    print(f"\n### Several JVM starts per configuration: groups against `{bname}.*`\n")
    print("Level of a JVM = mean over its rounds of log(slice) minus the mean log of the "
          f"`{bname}.*` slices of the same round; shown as a ratio. Group ratio = geometric mean of its "
          "JVMs' levels, 95 % interval with the JVM starts as the samples (pooled between-JVM variance, "
          "t with JVMs - 2 degrees of freedom); `rounds only` pools every slice as if from one JVM "
          "(the per-round interval, which ignores the JVM-start spread).\n")
    print("| server, kind | metric | group | level of each JVM | group ratio [95 % CI, JVM starts] | rounds only [95 % CI] | between-JVM sd / within-JVM sd of a slice |")
    print("|---|---|---|---|---|---|---|")
    for server, kind in keys:
        for col, label, _ in METRICS:
            levels, within, logs = {}, [], {}
            for c in configs:
                if "." not in c:
                    continue
                ds = []
                for rd in rounds:
                    bs = [at[(rd, b, server, kind)] for b in group[bname] if (rd, b, server, kind) in at]
                    if (rd, c, server, kind) not in at or not bs:
                        continue
                    v = float(at[(rd, c, server, kind)][col])
                    if v <= 0 or any(float(b[col]) <= 0 for b in bs):
                        continue
                    ds.append(math.log(v) - statistics.mean(math.log(float(b[col])) for b in bs))
                logs[c] = ds
                if len(ds) >= 2:
                    levels[c] = statistics.mean(ds)
                    within.append(statistics.variance(ds))
            # between-JVM variance pooled over the groups, from each group's spread of levels
            ss, df = 0.0, 0
            for g, cs in group.items():
                ls = [levels[c] for c in cs if c in levels]
                if len(ls) >= 2:
                    m = statistics.mean(ls)
                    ss += sum((x - m) ** 2 for x in ls)
                    df += len(ls) - 1
            pooled = ss / df if df else float("nan")
            wsd = math.sqrt(statistics.mean(within)) if within else float("nan")
            for g, cs in group.items():
                if g == bname:
                    continue
                ls = [levels[c] for c in cs if c in levels]
                bl = [levels[c] for c in group[bname] if c in levels]
                if not ls or not bl:
                    continue
                est = statistics.mean(ls) - statistics.mean(bl)
                half = T975.get(df, 1.96) * math.sqrt(pooled / len(ls) + pooled / len(bl)) if df else float("nan")
                flat = [math.exp(d) for c in cs for d in logs.get(c, [])]
                fg, flo, fhi = geo(flat) if len(flat) >= 2 else (float("nan"),) * 3
                each = ", ".join(f"{c} {math.exp(levels[c]):.3f}" for c in cs + group[bname] if c in levels)
                print(f"| {server}, {kind} | {label} | `{g}` | {each} | {math.exp(est):.3f} "
                      f"[{math.exp(est - half):.3f}–{math.exp(est + half):.3f}] | {fg:.3f} [{flo:.3f}–{fhi:.3f}] | "
                      f"{math.sqrt(pooled):.3f} / {wsd:.3f} |")


def read_runs(dirs):
    """The rows of one or more runs as one run (see the module's doc)."""
    rows, round_offset, tag_offset = [], 0, 0
    for d in dirs:
        last_tag = 0
        for r in read(os.path.join(d, "ab.tsv")):
            r = dict(r)
            r["round"] = str(int(r["round"]) + round_offset)
            name, dot, tag = r["config"].partition(".")
            if dot and tag.isdigit():
                last_tag = max(last_tag, int(tag))
                r["config"] = f"{name}.{int(tag) + tag_offset}"
            rows.append(r)
        round_offset = max(int(r["round"]) for r in rows)
        tag_offset += last_tag
    return rows


def main():
    dirs = sys.argv[1].split("+")
    base = sys.argv[2] if len(sys.argv) > 2 else "none"
    rows = read_runs(dirs)
    for d in dirs:
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
    starts(rows, configs, keys, rounds, base)
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
