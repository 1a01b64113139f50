#!/usr/bin/env bash
# Interleaved load comparison (issue 9, part 2): every configuration's server runs at the same
# time, warm, and wrk drives them in turn in short slices, many rounds, so that the slow drifts of
# a shared machine (other tenants, frequency, the host's own load) land on every configuration
# alike and a configuration is compared with `none` slice by slice rather than run by run.
#
# run-load.sh starts one configuration at a time and measures each for DURATION seconds: its
# spread between rounds (±8 % saturated, ±15 % paced, `off` against `none`) is the machine's
# drift over minutes, far above a 2 % target. Here:
#   - one demo app JVM per configuration (CONFIGS, default "none off correct"), all started once,
#     on their own ports, and warmed up (WARMUP seconds per server and request kind, default 20,
#     enough for C2 to finish: the JIT's ticks per slice are recorded and should be ~0);
#   - the servers are pinned to SERVER_CPUS (default CPU 1) and wrk to CLIENT_CPUS (default CPU
#     0), so the client does not take CPU from the server it measures and a saturated server's
#     throughput is the inverse of its CPU per request; every JVM sees one CPU, as in a container
#     limited to one core, and so runs the serial collector (PIN=0: no pinning, two CPUs seen, G1;
#     with THREADS=2 that is BENCHMARKS.md section 25's run);
#   - each round runs, for each server (servlet, netty) and request kind, one SLICE-second wrk
#     run (default 3) against each configuration back to back, the configurations' order
#     rotating by one each round; ROUNDS (default 30) rounds.
# Per slice: requests, requests/s, p50/p99 (wrk --latency), the server's CPU ticks
# (utime+stime of /proc/<pid>/stat, all threads) and how many of them were JIT and GC threads.
# summarize-ab.py pairs each slice with the `none` slice of the same round, server and kind.
#
# RATE (requests/s): pace wrk below saturation with paced.lua, as in run-load.sh.
# Needs: wrk, curl, taskset (util-linux), a built tree (mvn -B install -DskipTests).
# Knobs: CONFIGS ROUNDS SLICE WARMUP KINDS ("origin-correct origin-reflect no-origin")
# LOAD_SERVERS ("servlet netty") THREADS (1) CONNS (16) PIN (1) SERVER_CPUS (1) CLIENT_CPUS (0)
# RATE AGENT BASE_AGENT ALT_AGENT OTEL_JAR OUT (agent/src/jmh/results/ab-<utc timestamp>)
# JVM_ARGS_<config> (the configuration's name with '-' and '.' as '_', e.g. JVM_ARGS_base_correct,
# JVM_ARGS_correct_2): more JVM arguments for that configuration's server, e.g. a system property a
# throw-away build reads. A ".tag" suffix (correct.1, correct.2) runs one configuration several times.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
ROUNDS="${ROUNDS:-30}"
SLICE="${SLICE:-3}"
WARMUP="${WARMUP:-20}"
THREADS="${THREADS:-1}"
CONNS="${CONNS:-16}"
PIN="${PIN:-1}"
SERVER_CPUS="${SERVER_CPUS:-1}"
CLIENT_CPUS="${CLIENT_CPUS:-0}"
CONFIGS=(${CONFIGS:-none off correct})
KINDS=(${KINDS:-origin-correct origin-reflect no-origin})
OTEL_VERSION="${OTEL_VERSION:-2.10.0}"
OTEL_JAR="${OTEL_JAR:-$HOME/.m2/repository/io/opentelemetry/javaagent/opentelemetry-javaagent/$OTEL_VERSION/opentelemetry-javaagent-$OTEL_VERSION.jar}"
OUT="${OUT:-$ROOT/agent/src/jmh/results/ab-$(date -u +%Y%m%dT%H%M%SZ)}"
AGENT="${AGENT:-$ROOT/agent/target/corsguard-agent.jar}"
APP="$ROOT/demo-app/target/demo-app.jar"
BASE_PORT=18180

# shellcheck source=load-lib.sh
. "$ROOT/agent/src/jmh/load-lib.sh"

SERVER_PIN=(); CLIENT_PIN=()
if [ "$PIN" = 1 ]; then
    command -v taskset >/dev/null || { echo "taskset not found (util-linux), or run with PIN=0" >&2; exit 1; }
    SERVER_PIN=(taskset -c "$SERVER_CPUS"); CLIENT_PIN=(taskset -c "$CLIENT_CPUS")
fi

PACE=()
if [ -n "${RATE:-}" ]; then
    export PACE_MS; PACE_MS=$(awk -v c="$CONNS" -v r="$RATE" 'BEGIN { printf "%.4f", c * 1000 / r }')
    PACE=(-s "$ROOT/agent/src/jmh/paced.lua")
fi

# configuration i: servlet on BASE_PORT + 2i, Netty on BASE_PORT + 2i + 1
declare -A PIDS
port_of() { # config server -> port
    local i
    for i in "${!CONFIGS[@]}"; do
        if [ "${CONFIGS[$i]}" = "$1" ]; then
            [ "$2" = servlet ] && echo $((BASE_PORT + 2 * i)) || echo $((BASE_PORT + 2 * i + 1))
            return
        fi
    done
}

stop_all() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap stop_all EXIT

ok() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$1/api/correct")" = 200 ]; }

WRK_PIN=("${CLIENT_PIN[@]}")
run_wrk() { # port kind seconds -> wrk output
    wrk_kind "$1" "$2" "${PACE[@]}" -t"$THREADS" -c"$CONNS" -d"$3"s --latency
}

SERVERS=(${LOAD_SERVERS:-servlet netty})
{
    echo "# date: $(date -u +%FT%TZ)"
    echo "# host: nproc=$(nproc) cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "# java: $(java -version 2>&1 | head -2 | tr '\n' ' ')"
    echo "# wrk: $(wrk -v 2>&1 | head -1)"
    echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "# configs=${CONFIGS[*]} rounds=$ROUNDS slice=${SLICE}s warmup=${WARMUP}s per server, kind and config threads=$THREADS conns=$CONNS"
    echo "# pinning: ${SERVER_PIN[*]:-none} (servers) ${CLIENT_PIN[*]:-none} (wrk)"
    echo "# rate: ${RATE:-saturation (back to back)}${RATE:+ requests/s paced by paced.lua, PACE_MS=$PACE_MS per connection}"
    echo "# agent: $AGENT ($(sha256sum "$AGENT" | cut -c1-12))${BASE_AGENT:+ base: $BASE_AGENT ($(sha256sum "$BASE_AGENT" | cut -c1-12))}${ALT_AGENT:+ alt: $ALT_AGENT ($(sha256sum "$ALT_AGENT" | cut -c1-12))}"
    for cfg in "${CONFIGS[@]}"; do
        extra="JVM_ARGS_${cfg//[-.]/_}"
        [ -z "${!extra:-}" ] || echo "# $cfg: more JVM arguments: ${!extra}"
    done
} > "$OUT/env.txt"
cat "$OUT/env.txt"

for cfg in "${CONFIGS[@]}"; do
    extra="JVM_ARGS_${cfg//[-.]/_}"
    # shellcheck disable=SC2046
    "${SERVER_PIN[@]}" java $(jvm_args "$cfg") ${!extra:-} -jar "$APP" --serve --servlet-port "$(port_of "$cfg" servlet)" \
        --netty-port "$(port_of "$cfg" netty)" >"$OUT/server-$cfg.log" 2>&1 &
    PIDS[$cfg]=$!
done
deadline=$((SECONDS + ${READY_TIMEOUT:-90}))
for cfg in "${CONFIGS[@]}"; do
    for sv in "${SERVERS[@]}"; do
        until ok "$(port_of "$cfg" "$sv")"; do
            kill -0 "${PIDS[$cfg]}" 2>/dev/null && [ $SECONDS -lt "$deadline" ] \
                || { echo "$cfg: $sv did not start" >&2; cat "$OUT/server-$cfg.log" >&2; exit 1; }
            sleep 0.05
        done
    done
done

echo "warming up: ${WARMUP}s per server, kind and configuration"
for cfg in "${CONFIGS[@]}"; do
    for sv in "${SERVERS[@]}"; do
        for kind in "${KINDS[@]}"; do
            run_wrk "$(port_of "$cfg" "$sv")" "$kind" "$WARMUP" >/dev/null
        done
    done
done

ab_header
n=${#CONFIGS[@]}
for ((r = 1; r <= ROUNDS; r++)); do
    for sv in "${SERVERS[@]}"; do
        for kind in "${KINDS[@]}"; do
            for ((i = 0; i < n; i++)); do
                cfg="${CONFIGS[$(((i + r - 1) % n))]}"
                ab_slice "$r" "$i" "$cfg" "$sv" "$kind" "${PIDS[$cfg]}" "$(port_of "$cfg" "$sv")"
            done
        done
    done
done
for cfg in "${CONFIGS[@]}"; do
    echo "# $cfg: JVM CPU total $(( $(cpu_ticks "${PIDS[$cfg]}") * 1000 / CLK_TCK )) ms" >> "$OUT/env.txt"
done
stop_all
PIDS=()
for cfg in "${CONFIGS[@]}"; do trim_server_log "$OUT/server-$cfg.log" run-ab; done
echo "raw numbers in $OUT (summarize: agent/src/jmh/summarize-ab.py $OUT)"
