#!/usr/bin/env bash
# A smoke run of every benchmark (BENCHMARKS.md): a minute or two, no figures. `.ci/run` runs it
# after the tests, so that the benchmarks keep compiling and running against the code they
# measure. Each JMH benchmark runs once per parameter set (one 100 ms iteration, no warm-up; JMH
# fails on any error). The two pipeline benchmarks also run under the agent in correct mode,
# where they check that the violating response left corrected (and, without the agent, that it
# did not). ColdPairs runs a few hundred pairs. Needs the agent jar (`mvn -B verify` or package).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
AGENT="$ROOT/agent/target/corsguard-agent.jar"
CFG="$ROOT/demo-app/corsguard.properties"
[ -f "$AGENT" ] || { echo "run-smoke.sh: $AGENT missing: build first (mvn -B verify)" >&2; exit 2; }
mvn -B -q -Pbench -pl agent test-compile
CP="agent/target/test-classes:agent/target/classes:$(cat agent/target/jmh-classpath.txt)"
SMOKE=(-f 1 -wi 0 -i 1 -r 100ms -foe true)
LOG="$ROOT/agent/target/bench-smoke"
mkdir -p "$LOG"
# JMH's output is long: kept in agent/target/bench-smoke, its end shown when a run fails
failed() {
    tail -n 80 "$1" >&2
    echo "run-smoke.sh: failed, whole output in $1" >&2
    exit 1
}
echo "== JMH, every benchmark, no agent"
java -cp "$CP" org.openjdk.jmh.Main "${SMOKE[@]}" -jvmArgsAppend "-Dbench.expectAgent=none" \
    > "$LOG/jmh.txt" 2>&1 || failed "$LOG/jmh.txt"
echo "== JMH, the pipeline benchmarks under the agent (correct mode)"
# the agent's classes come from its jar only: a launcher found in agent/target/classes first
# cannot locate its jar, and the agent stays inert (as run-pipeline.sh)
java -cp "agent/target/test-classes:$(cat agent/target/jmh-classpath.txt)" org.openjdk.jmh.Main "${SMOKE[@]}" -jvmArgsAppend \
    "-javaagent:$AGENT=config=$CFG;mode=correct -Dbench.expectAgent=correct" 'PipelineBench' \
    > "$LOG/pipeline-agent.txt" 2>&1 || failed "$LOG/pipeline-agent.txt"
echo "== ColdPairs"
# Netty logs its DEBUG settings to stdout through the test class path's logback: dropped
java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" io.corsguard.bench.ColdPairs pairs=300 \
    > "$LOG/cold-pairs.txt" 2>&1 || failed "$LOG/cold-pairs.txt"
grep -v ' DEBUG ' "$LOG/cold-pairs.txt"
echo "smoke run of the benchmarks: ok"
