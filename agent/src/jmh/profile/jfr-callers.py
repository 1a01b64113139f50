#!/usr/bin/env python3
# usage: jfr-callers.py file.jfr -> execution samples by outermost agent frame and the host frame calling it
import json, subprocess, sys, collections
f = sys.argv[1]
out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "96", "--events", "jdk.ExecutionSample", f], capture_output=True, text=True).stdout
ev = json.loads(out)["recording"]["events"]
c = collections.Counter(); outer = collections.Counter()
for e in ev:
    st = e["values"].get("stackTrace")
    if not st: continue
    fs = [fr["method"]["type"]["name"].replace("/", ".") + "." + fr["method"]["name"] for fr in st["frames"]]
    idx = [i for i, x in enumerate(fs) if x.startswith("io.corsguard.") and not x.startswith("io.corsguard.demo")]
    if not idx: continue
    last = idx[-1]
    outer[fs[last] + " <- " + (fs[last+1] if last + 1 < len(fs) else "")] += 1
    c[" > ".join(x.split(".")[-2] + "." + x.split(".")[-1] for x in reversed(fs[:last+2][:6]))] += 1
print("outermost agent frame <- caller"); [print(f"  {v:>4} {k}") for k, v in outer.most_common(20)]
