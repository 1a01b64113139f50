#!/usr/bin/env python3
# usage: agg.py file.jfr  -> execution samples and allocation samples aggregated
import json, subprocess, sys, collections
f = sys.argv[1]
def events(kind):
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "96", "--events", kind, f], capture_output=True, text=True).stdout
    return json.loads(out)["recording"]["events"]
def frames(e):
    st = e["values"].get("stackTrace")
    if not st: return []
    return [fr["method"]["type"]["name"].replace("/", ".") + "." + fr["method"]["name"] for fr in st["frames"]]
for kind, weighted in (("jdk.ExecutionSample", False), ("jdk.ObjectAllocationSample", True)):
    ev = events(kind)
    total = 0; cg = 0
    top = collections.Counter(); topcg = collections.Counter(); cgframe = collections.Counter(); alloc_cls = collections.Counter()
    for e in ev:
        w = e["values"].get("weight", 1) if weighted else 1
        fs = frames(e)
        total += w
        if fs: top[fs[0]] += w
        agent = [x for x in fs if x.startswith("io.corsguard.") and not x.startswith("io.corsguard.demo.") and ".shaded." not in x]
        inlined = any(("Advice" in x) for x in fs)
        if agent:
            cg += w
            topcg[agent[0]] += w
            # the top frame within agent context
            cgframe[fs[0]] += w
            if weighted:
                alloc_cls[e["values"]["objectClass"]["name"]] += w
    print(f"== {kind}: total {total} ({'bytes' if weighted else 'samples'}), with io.corsguard on stack {cg} ({100.0*cg/max(total,1):.1f}%)")
    print("-- top frames overall"); [print(f"  {v:>12} {k}") for k, v in top.most_common(15)]
    print("-- innermost agent frame (stacks with agent)"); [print(f"  {v:>12} {k}") for k, v in topcg.most_common(25)]
    print("-- top frame (stacks with agent)"); [print(f"  {v:>12} {k}") for k, v in cgframe.most_common(20)]
    if weighted:
        print("-- allocated class (stacks with agent)"); [print(f"  {v:>12} {k}") for k, v in alloc_cls.most_common(20)]
