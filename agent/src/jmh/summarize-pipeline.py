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
runs = {}  # (bench, config, kind) -> {round: (ns, bytes)}
for path in sorted(glob.glob(os.path.join(d, "*.json"))):
    cfg, rnd = os.path.basename(path)[:-len(".json")].rsplit("-r", 1)
    for b in json.load(open(path)):
        bench = b["benchmark"].rsplit(".", 2)[-2]  # io.corsguard.bench.NettyPipelineBench.exchange
        kind = b["params"]["kind"]
        ns = b["primaryMetric"]["score"]
        alloc = b["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score", float("nan"))
        runs.setdefault((bench, cfg, kind), {})[rnd] = (ns, alloc)
benches = sorted({key[0] for key in runs})
kinds = [k for k in ("noOrigin", "compliant", "violating") if any(key[2] == k for key in runs)]
cfgs = [c for c in ("none", "base-correct", "correct") if any(key[1] == c for key in runs)]
for bench in benches:
    print(f"**{bench}**\n")
    print("| kind | config | rounds | ns per exchange, median [min–max] | added ns | paired: added ns, median [min–max] of rounds | B per exchange | added B |")
    print("|---|---|---|---|---|---|---|---|")
    for k in kinds:
        base = runs.get((bench, "none", k))
        bns = statistics.median(x[0] for x in base.values()) if base else None
        bb = statistics.median(x[1] for x in base.values()) if base else None
        for c in cfgs:
            xs = runs.get((bench, c, k))
            if not xs:
                continue
            ns = [x[0] for x in xs.values()]
            m = statistics.median(ns)
            b = statistics.median(x[1] for x in xs.values())
            add = "" if c == "none" or bns is None else "%+.0f" % (m - bns)
            addb = "" if c == "none" or bb is None else "%+.0f" % (b - bb)
            # each round's configurations ran back to back: the difference within a round is
            # free of the host's drift between rounds
            diffs = [xs[r][0] - base[r][0] for r in xs if base and r in base]
            paired = "" if c == "none" or not diffs else "%+.0f [%+.0f – %+.0f]" % (
                statistics.median(diffs), min(diffs), max(diffs))
            print(f"| {k} | {c} | {len(xs)} | {m:.0f} [{min(ns):.0f}–{max(ns):.0f}] | {add} | {paired} | {b:.0f} | {addb} |")
    print()
