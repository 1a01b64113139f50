#!/usr/bin/env bash
# The agent's own CPU per request measured inside a loaded server (BENCHMARKS.md section 26), with
# Linux perf: its cpu-clock sampling works in a VM without hardware counters and, unlike JFR, also
# sees the JVM's native code, libc and the vDSO (the clock). For each configuration and round: one
# demo app JVM pinned to SERVER_CPUS with -XX:+PreserveFramePointer (so perf can walk compiled
# Java frames), WARMUP seconds of wrk per request kind, then per kind MEASURE seconds of wrk while
# `perf record -g` samples the server (user space only: perf_event_paranoid 2 is enough); after
# the last kind `jcmd Compiler.perfmap` names the compiled methods, and perf-agg.py reduces each
# recording to counts: samples per thread group, samples with an agent frame on the stack (the
# agent's inclusive cost, whatever it calls) by the frame where the agent was entered and by leaf.
# Samples per request are a share within one run, so the machine's drift (±15 % between runs in
# a server's CPU per request) cancels out of the agent's share of the event loop's samples.
# What the agent's code costs inlined into a server's method (the advice bodies, and what the JIT
# inlines into them) counts as that method: JVM_ARGS_<config> with CompileCommand=dontinline for
# the agent's packages keeps it out of line and so on the stacks (an upper bound: calls added).
# usage: [CONFIGS="correct"] [KINDS=...] [LOAD_SERVERS="netty servlet"] [ROUNDS=2] [WARMUP=15]
#        [MEASURE=10] [OUT=dir] perf-load.sh ; then perf-agg.py OUT
# Needs: perf (linux-perf), wrk, taskset, jcmd, a built tree (mvn -B install -DskipTests).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../../.." && pwd)"
cd "$ROOT"
ROUNDS="${ROUNDS:-2}"; WARMUP="${WARMUP:-15}"; MEASURE="${MEASURE:-10}"
CONFIGS=(${CONFIGS:-correct}); KINDS=(${KINDS:-origin-reflect origin-correct no-origin})
SERVERS=(${LOAD_SERVERS:-netty servlet})
SERVER_CPUS="${SERVER_CPUS:-1}"; CLIENT_CPUS="${CLIENT_CPUS:-0}"; FREQ="${FREQ:-1999}"
OUT="${OUT:-$ROOT/agent/src/jmh/results/perf-$(date -u +%Y%m%dT%H%M%SZ)}"
AGENT="${AGENT:-$ROOT/agent/target/corsguard-agent.jar}"
APP="$ROOT/demo-app/target/demo-app.jar"
OTEL_VERSION="${OTEL_VERSION:-2.10.0}"
OTEL_JAR="${OTEL_JAR:-$HOME/.m2/repository/io/opentelemetry/javaagent/opentelemetry-javaagent/$OTEL_VERSION/opentelemetry-javaagent-$OTEL_VERSION.jar}"
command -v perf >/dev/null || { echo "perf not found (apt-get install -y linux-perf)" >&2; exit 1; }
# shellcheck source=../load-lib.sh
. "$ROOT/agent/src/jmh/load-lib.sh"
SP=18480; NP=18481
port_of() { [ "$1" = servlet ] && echo $SP || echo $NP; }
WRK_PIN=(taskset -c "$CLIENT_CPUS")
run_wrk() { # port kind seconds
    wrk_kind "$1" "$2" -t1 -c16 -d"$3"s --latency
}
{
    echo "# date: $(date -u +%FT%TZ) host: nproc=$(nproc) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
    echo "# java: $(java -version 2>&1 | head -1) perf: $(perf version)"
    echo "# configs=${CONFIGS[*]} kinds=${KINDS[*]} servers=${SERVERS[*]} rounds=$ROUNDS warmup=${WARMUP}s measure=${MEASURE}s freq=$FREQ"
    echo "# agent: $AGENT ($(sha256sum "$AGENT" | cut -c1-12))"
    for cfg in "${CONFIGS[@]}"; do
        extra="JVM_ARGS_${cfg//[-.]/_}"; [ -z "${!extra:-}" ] || echo "# $cfg: more JVM arguments: ${!extra}"
    done
} > "$OUT/env.txt"
printf 'round\tconfig\tserver\tkind\trequests\tutime_ticks\tstime_ticks\n' > "$OUT/runs.tsv"
for ((r = 1; r <= ROUNDS; r++)); do
    for cfg in "${CONFIGS[@]}"; do
        extra="JVM_ARGS_${cfg//[-.]/_}"
        # shellcheck disable=SC2046
        taskset -c "$SERVER_CPUS" java -XX:+PreserveFramePointer $(jvm_args "$cfg") ${!extra:-} -jar "$APP" --serve \
            --servlet-port $SP --netty-port $NP > "$OUT/server-$cfg-$r.log" 2>&1 &
        pid=$!
        wait_ready $pid "$OUT/server-$cfg-$r.log" $(for sv in "${SERVERS[@]}"; do port_of "$sv"; done)
        for sv in "${SERVERS[@]}"; do for k in "${KINDS[@]}"; do run_wrk "$(port_of "$sv")" "$k" "$WARMUP" > /dev/null; done; done
        for sv in "${SERVERS[@]}"; do
            for k in "${KINDS[@]}"; do
                name="$cfg-$sv-$k-$r"
                read -r u0 s0 < <(awk '{print $14, $15}' /proc/$pid/stat)
                taskset -c "$CLIENT_CPUS" perf record -q -g -e cpu-clock:u -F "$FREQ" -p $pid -o "$OUT/$name.data" \
                    -- sleep "$MEASURE" 2>/dev/null &
                prec=$!
                w=$(run_wrk "$(port_of "$sv")" "$k" "$MEASURE")
                read -r u1 s1 < <(awk '{print $14, $15}' /proc/$pid/stat)
                wait $prec || true
                printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$cfg" "$sv" "$k" "$(awk '/requests in/ {print $1}' <<<"$w")" \
                    $((u1 - u0)) $((s1 - s0)) | tee -a "$OUT/runs.tsv"
            done
        done
        jcmd $pid Compiler.perfmap > /dev/null
        for sv in "${SERVERS[@]}"; do
            for k in "${KINDS[@]}"; do
                name="$cfg-$sv-$k-$r"
                # the recordings are large and need this JVM's map: reduced here, then dropped
                perf script -i "$OUT/$name.data" -F comm,ip,sym 2>/dev/null \
                    | python3 "$ROOT/agent/src/jmh/profile/perf-stacks.py" > "$OUT/$name.stacks"
                rm -f "$OUT/$name.data"
            done
        done
        kill $pid; wait $pid 2>/dev/null || true
        rm -f "/tmp/perf-$pid.map"
        trim_server_log "$OUT/server-$cfg-$r.log" perf-load
    done
done
echo "summarize: agent/src/jmh/profile/perf-agg.py $OUT"
