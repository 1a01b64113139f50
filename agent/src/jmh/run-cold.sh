#!/usr/bin/env bash
# The advice's cost on cold caches, paired call by call with its baseline (ColdPairs; BENCHMARKS.md
# section 15). Compiles the bench sources, then runs ColdPairs RUNS times (default 3), each in its
# own JVM; arguments go to ColdPairs (kinds=, pairs=, evictKb=, warm=). Output: OUT (default
# agent/src/jmh/results/cold-<utc timestamp>.txt), one table per run. CLASSES: the agent classes to
# measure (default agent/target/classes; another build's, e.g. a worktree of an earlier commit,
# for before/after).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
[ "${SKIP_COMPILE:-0}" = 1 ] || mvn -B -q -Pbench -pl agent test-compile
CP="agent/target/test-classes:${CLASSES:-agent/target/classes}:$(cat agent/target/jmh-classpath.txt)"
OUT="${OUT:-agent/src/jmh/results/cold-$(date -u +%Y%m%dT%H%M%SZ).txt}"
mkdir -p "$(dirname "$OUT")"
{
    echo "# date: $(date -u +%FT%TZ) commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- agent/src/main || echo '+changes') classes: ${CLASSES:-agent/target/classes}"
    echo "# host: nproc=$(nproc) cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') load average: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT"
for ((r = 1; r <= ${RUNS:-3}; r++)); do
    echo "## run $r" >> "$OUT"
    # Netty logs its DEBUG settings to stdout through the test class path's logback: dropped
    java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" io.corsguard.bench.ColdPairs "$@" \
        | grep -v ' DEBUG ' >> "$OUT"
done
cat "$OUT"
