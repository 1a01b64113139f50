#!/usr/bin/env python3
"""Tables of run-pipeline.sh's JMH results: ns and B per exchange by configuration, and the agent's addition.

usage: summarize-pipeline.py OUT_DIR
"""
import glob
import json
import os
import statistics
import sys

d = sys.argv[1]
runs = {}  # (config, kind) -> list of (ns, bytes)
for path in sorted(glob.glob(os.path.join(d, "*.json"))):
    cfg = os.path.basename(path).rsplit("-r", 1)[0]
    for b in json.load(open(path)):
        kind = b["params"]["kind"]
        ns = b["primaryMetric"]["score"]
        alloc = b["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score", float("nan"))
        runs.setdefault((cfg, kind), []).append((ns, alloc))
kinds = [k for k in ("noOrigin", "compliant", "violating") if any(key[1] == k for key in runs)]
cfgs = [c for c in ("none", "base-correct", "correct") if any(key[0] == c for key in runs)]
print("| kind | config | rounds | ns per exchange, median [min–max] | added ns | B per exchange | added B |")
print("|---|---|---|---|---|---|---|")
for k in kinds:
    base = runs.get(("none", k))
    bns = statistics.median(x[0] for x in base) if base else None
    bb = statistics.median(x[1] for x in base) if base else None
    for c in cfgs:
        xs = runs.get((c, k))
        if not xs:
            continue
        ns = [x[0] for x in xs]
        m = statistics.median(ns)
        b = statistics.median(x[1] for x in xs)
        add = "" if c == "none" or bns is None else "%+.0f" % (m - bns)
        addb = "" if c == "none" or bb is None else "%+.0f" % (b - bb)
        print(f"| {k} | {c} | {len(xs)} | {m:.0f} [{min(ns):.0f}–{max(ns):.0f}] | {add} | {b:.0f} | {addb} |")
