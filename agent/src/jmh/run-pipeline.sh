#!/usr/bin/env bash
# NettyPipelineBench / TomcatPipelineBench without and with the agent (issue 9, part 5: the
# per-request cost of the woven server code, a whole exchange on one thread with no socket). Each
# configuration runs in its own forked JVM; ROUNDS alternate them (none, correct, none, correct, ...).
#   agent/src/jmh/run-pipeline.sh [extra JMH args]     AGENT (agent/target/corsguard-agent.jar)
#   BENCH: the JMH benchmark regex (NettyPipelineBench; TomcatPipelineBench; PipelineBench: both)
#   BASE_AGENT=<another jar>: also runs it (base-correct), for before/after in one alternation.
# Output: one JMH json per configuration and round in OUT (agent/src/jmh/results/pipeline-<ts>).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
AGENT="${AGENT:-$ROOT/agent/target/corsguard-agent.jar}"
ROUNDS="${ROUNDS:-2}"
BENCH="${BENCH:-NettyPipelineBench}"
OUT="${OUT:-$ROOT/agent/src/jmh/results/pipeline-$(date -u +%Y%m%dT%H%M%SZ)}"
[ "${SKIP_COMPILE:-0}" = 1 ] || mvn -B -q -Pbench -pl agent test-compile
[ -f "$AGENT" ] || { echo "build the agent first: mvn -B -q -pl agent package -DskipTests" >&2; exit 1; }
mkdir -p "$OUT"
# the agent's own classes must come from its jar only, never from target/classes
CP="agent/target/test-classes:$(cat agent/target/jmh-classpath.txt)"
CFG="$ROOT/demo-app/corsguard.properties"
CONFIGS=(none correct)
[ -n "${BASE_AGENT:-}" ] && CONFIGS+=(base-correct)
for ((r = 1; r <= ROUNDS; r++)); do
    for cfg in "${CONFIGS[@]}"; do
        case "$cfg" in
            none) args=(-jvmArgsAppend "-Dbench.expectAgent=none") ;;
            correct) args=(-jvmArgsAppend "-javaagent:$AGENT=config=$CFG;mode=correct -Dbench.expectAgent=correct") ;;
            base-correct) args=(-jvmArgsAppend "-javaagent:$BASE_AGENT=config=$CFG;mode=correct -Dbench.expectAgent=correct") ;;
        esac
        echo "== round $r: $cfg"
        java -cp "$CP" org.openjdk.jmh.Main "$BENCH" -prof gc -rf json -rff "$OUT/$cfg-r$r.json" "${args[@]}" "$@" \
            | grep -E '^(Benchmark |[A-Za-z]*PipelineBench\.)' || true
    done
done
echo "results in $OUT"
