#!/usr/bin/env python3
"""Medians (with min-max spread) and ratios to no agent from run-load.sh's raw numbers.

usage: summarize.py RESULTS_DIR...   (reads load.tsv and startup.tsv in each, pooled; prints Markdown)
"""
import csv
import os
import random
import statistics
import sys

CONFIGS = ["none", "base-off", "off", "alt-off", "base-monitor", "monitor", "alt-monitor", "base-correct", "correct", "alt-correct", "otel"]


def read(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return list(csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"))


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def spread(xs, fmt):
    return (fmt % min(xs)) + "–" + (fmt % max(xs)) if xs else "-"


def server_kinds(rows):
    """(server, kind) pairs in the order the run measured them."""
    keys = []
    for r in rows:
        k = (r["server"], r["kind"])
        if k not in keys:
            keys.append(k)
    return keys


def load_tables(rows):
    out = []
    keys = server_kinds(rows)
    for server, kind in keys:
        out.append(f"\n**{server}, {kind}** (n = rounds; median, [min–max], ratio of medians to `none`)\n")
        split = any(r.get("request_cpu_us_per_req") for r in rows if r["server"] == server and r["kind"] == kind)
        head = "| config | n | req/s | ×none | p50 ms | ×none | p99 ms | ×none | server CPU µs/req | ×none |"
        rule = "|---|---|---|---|---|---|---|---|---|---|"
        if split:
            # the same CPU without the JIT compiler and GC threads (run-load.sh's cpu_split)
            head += " without JIT, GC | ×none | JIT ms | GC ms |"
            rule += "---|---|---|---|"
        out.append(head)
        out.append(rule)
        base = {}
        for cfg in CONFIGS:
            sel = [r for r in rows if r["server"] == server and r["kind"] == kind and r["config"] == cfg]
            if not sel:
                continue
            rps = [float(r["req_per_s"]) for r in sel]
            p50 = [float(r["p50_ms"]) for r in sel]
            p99 = [float(r["p99_ms"]) for r in sel]
            cpu = [float(r["cpu_us_per_req"]) for r in sel]
            req = [float(r["request_cpu_us_per_req"]) for r in sel if r.get("request_cpu_us_per_req")]
            # ticks to ms: USER_HZ is 100 on Linux (run-load.sh divides by getconf CLK_TCK)
            jit = [float(r["jit_ticks"]) * 10 for r in sel if r.get("jit_ticks")]
            gc = [float(r["gc_ticks"]) * 10 for r in sel if r.get("gc_ticks")]
            m = (med(rps), med(p50), med(p99), med(cpu), med(req))
            if cfg == "none":
                base = m

            def ratio(i):
                return "%.2f" % (m[i] / base[i]) if base and base[i] else "-"

            out.append(f"| {cfg} | {len(sel)} | {m[0]:.0f} [{spread(rps, '%.0f')}] | {ratio(0)} "
                       f"| {m[1]:.3f} [{spread(p50, '%.3f')}] | {ratio(1)} "
                       f"| {m[2]:.2f} [{spread(p99, '%.2f')}] | {ratio(2)} "
                       f"| {m[3]:.2f} [{spread(cpu, '%.2f')}] | {ratio(3)} |"
                       + (f" {m[4]:.2f} [{spread(req, '%.2f')}] | {ratio(4)} | {med(jit):.0f} | {med(gc):.0f} |"
                          if split and req else (" - | - | - | - |" if split else "")))
    return out


def paired_table(rows):
    """Each configuration against `none` of the same round, then the median of those ratios: the
    host's speed drifts between rounds (all configurations of a round run back to back), so a ratio
    within a round is steadier than a ratio of medians taken over different rounds."""
    out = ["", "Paired by round (each round's configuration over that round's `none`; median [min–max] of the rounds):", "",
           "| server, kind | config | rounds | req/s ×none | CPU/req ×none |", "|---|---|---|---|---|"]
    keys = server_kinds(rows)
    for server, kind in keys:
        for cfg in CONFIGS:
            if cfg == "none":
                continue
            rps, cpu = [], []
            for rnd in sorted({r["round"] for r in rows}, key=int):
                sel = [r for r in rows if r["round"] == rnd and r["server"] == server and r["kind"] == kind]
                n = [r for r in sel if r["config"] == "none"]
                c = [r for r in sel if r["config"] == cfg]
                if n and c and float(n[0]["req_per_s"]) > 0 and float(n[0]["cpu_us_per_req"]) > 0:
                    rps.append(float(c[0]["req_per_s"]) / float(n[0]["req_per_s"]))
                    cpu.append(float(c[0]["cpu_us_per_req"]) / float(n[0]["cpu_us_per_req"]))
            if rps:
                out.append(f"| {server}, {kind} | {cfg} | {len(rps)} | {med(rps):.2f} [{spread(rps, '%.2f')}] "
                           f"| {med(cpu):.2f} [{spread(cpu, '%.2f')}] |")
    return out


def startup_table(rows):
    cpu = any(r.get("cpu_ms_at_ready") for r in rows)
    head = "| config | n | ms to first 200 (both servers), median [min–max] | added vs `none` (ms, medians) |"
    rule = "|---|---|---|---|"
    if cpu:
        head += " JVM CPU ms until then, median [min–max] | added vs `none` |"
        rule += "---|---|"
    out = ["", head, rule]
    base = None
    base_cpu = None
    for cfg in CONFIGS:
        sel = [r for r in rows if r["config"] == cfg]
        if not sel:
            continue
        xs = [float(r["ms_to_first_200_both"]) for r in sel]
        m = med(xs)
        if cfg == "none":
            base = m
        added = "%+.0f" % (m - base) if base is not None else "-"
        line = f"| {cfg} | {len(xs)} | {m:.0f} [{spread(xs, '%.0f')}] | {added} |"
        if cpu:
            cs = [float(r["cpu_ms_at_ready"]) for r in sel]
            mc = med(cs)
            if cfg == "none":
                base_cpu = mc
            line += f" {mc:.0f} [{spread(cs, '%.0f')}] | " + ("%+.0f" % (mc - base_cpu) if base_cpu is not None else "-") + " |"
        out.append(line)
    return out + otel_share_table(rows)


def otel_share_table(rows, resamples=10000):
    """Each agent configuration's start-up addition as a share of the OpenTelemetry agent's
    (medians), with a bootstrap 95 % interval: every configuration's runs resampled with
    replacement, seeded, so the same runs give the same interval. Also the share by CPU ms."""
    def column(cfg, col):
        return [float(r[col]) for r in rows if r["config"] == cfg and r.get(col)]

    def share(add, none, otel):
        return (med(add) - med(none)) / (med(otel) - med(none))

    none, otel = column("none", "ms_to_first_200_both"), column("otel", "ms_to_first_200_both")
    if not none or not otel:
        return []
    rng = random.Random(1)
    out = ["", f"Share of the OpenTelemetry agent's addition (medians; bootstrap 95 % interval over {resamples} resamples of each configuration's runs):", "",
           "| config | share of `otel`'s addition [95 %] | by CPU ms |", "|---|---|---|"]
    for cfg in CONFIGS:
        if cfg in ("none", "otel"):
            continue
        xs = column(cfg, "ms_to_first_200_both")
        if not xs:
            continue
        boot = sorted(share([rng.choice(xs) for _ in xs], [rng.choice(none) for _ in none],
                            [rng.choice(otel) for _ in otel]) for _ in range(resamples))
        lo, hi = boot[int(0.025 * resamples)], boot[int(0.975 * resamples) - 1]
        cs, cn, co = column(cfg, "cpu_ms_at_ready"), column("none", "cpu_ms_at_ready"), column("otel", "cpu_ms_at_ready")
        by_cpu = "%.1f %%" % (100 * share(cs, cn, co)) if cs and cn and co else "-"
        out.append(f"| {cfg} | {100 * share(xs, none, otel):.1f} % [{100 * lo:.1f}–{100 * hi:.1f}] | {by_cpu} |")
    return out


def startup_paired_table(rows, base="base-correct", resamples=10000):
    """Each configuration against BASE (another build's jar, see run-load.sh's BASE_AGENT), paired
    run by run: every run starts each configuration once, so the per-run differences cancel what
    moves a whole run (the machine's load at that moment). Median difference with a seeded bootstrap
    95 % interval over the runs, for wall time and CPU until ready; runs of all directories pooled."""
    by_run = {}
    for r in rows:
        by_run.setdefault((r["_dir"], r["run"]), {})[r["config"]] = r
    if not any(base in v for v in by_run.values()):
        return []
    rng = random.Random(1)
    out = ["", f"Paired against `{base}` (median of the per-run differences; bootstrap 95 % interval over {resamples} resamples of the runs):", "",
           "| config | paired runs | wall ms to first 200 | JVM CPU ms until then |", "|---|---|---|---|"]
    for cfg in CONFIGS:
        if cfg in ("none", "otel", base):
            continue
        pairs = [(v[cfg], v[base]) for v in by_run.values() if cfg in v and base in v]
        if not pairs:
            continue
        cells = []
        for col in ("ms_to_first_200_both", "cpu_ms_at_ready"):
            d = [float(a[col]) - float(b[col]) for a, b in pairs if a.get(col) and b.get(col)]
            if not d:
                cells.append("-")
                continue
            boot = sorted(med([rng.choice(d) for _ in d]) for _ in range(resamples))
            cells.append("%+.0f [%+.0f…%+.0f]" % (med(d), boot[int(0.025 * resamples)], boot[int(0.975 * resamples) - 1]))
        out.append(f"| {cfg} | {len(pairs)} | {cells[0]} | {cells[1]} |")
    return out


def attach_table(rows):
    out = ["", "| n | CLI `attach` returned, ms | first corrected servlet response, ms | first corrected Netty response, ms |",
           "|---|---|---|---|"]
    cols = ["cli_ms", "servlet_ms_to_first_corrected", "netty_ms_to_first_corrected"]
    cells = []
    for c in cols:
        xs = [float(r[c]) for r in rows]
        cells.append(f"{med(xs):.0f} [{spread(xs, '%.0f')}]")
    out.append(f"| {len(rows)} | " + " | ".join(cells) + " |")
    return out


def memory_table(rows):
    out = ["", "| config | phase | requests per server (servlet/Netty) | heap in use after full GC, KB | RSS, KB | agent (io.corsguard.*) instances after full GC |",
           "|---|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r['config']} | {r['phase']} | {r['requests_per_server']} | {r['heap_used_kb']} | {r['rss_kb']} | {r['agent_instances']} |")
    return out


def main():
    dirs = sys.argv[1:]
    d = ", ".join(os.path.basename(x.rstrip("/")) for x in dirs)
    load = [r for x in dirs for r in read(os.path.join(x, "load.tsv"))]
    start = [dict(r, _dir=x) for x in dirs for r in read(os.path.join(x, "startup.tsv"))]
    lines = []
    if load:
        lines.append("### Load (" + d + ")")
        lines += load_tables(load)
        if any(r["config"] == "none" for r in load):
            lines += paired_table(load)
        la = [float(r["loadavg1"]) for r in load]
        lines.append(f"\n1-minute load average during the load runs: median {med(la):.1f} [{min(la):.1f}–{max(la):.1f}] on {os.cpu_count()} cores.")
    if start:
        lines.append("\n### Start-up (" + d + ")")
        lines += startup_table(start)
        lines += startup_paired_table(start)
        la = [float(r["loadavg1"]) for r in start]
        lines.append(f"\n1-minute load average during the start-up runs: median {med(la):.1f} [{min(la):.1f}–{max(la):.1f}].")
    att = [r for x in dirs for r in read(os.path.join(x, "attach.tsv"))]
    if att:
        lines.append("\n### Dynamic attach (" + d + ")")
        lines += attach_table(att)
        la = [float(r["loadavg1"]) for r in att]
        lines.append(f"\n1-minute load average during the attach runs: median {med(la):.1f} [{min(la):.1f}–{max(la):.1f}].")
    mem = [r for x in dirs for r in read(os.path.join(x, "memory.tsv"))]
    if mem:
        lines.append("\n### Memory (" + d + ")")
        lines += memory_table(mem)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
