#!/usr/bin/env bash
# The agent's working cost inside one server JVM (BENCHMARKS.md section 26): one demo app JVM runs
# under the agent with a configuration file whose mode this script switches between `off` and
# `correct` (the agent's hot reload, reload.interval 1s), slice by slice, many rounds; wrk drives
# the same server, warm, in both modes. Each `correct` slice is paired with the `off` slice of the
# same round, server and kind (summarize-ab.py DIR off). Against run-ab.sh, which compares
# separate JVMs: the JVM-to-JVM spread of a server's CPU per request (3–5 %, section 14) drops
# out; what is left is the work the agent does on responses with an Origin, plus whatever that
# work does to the JIT's code for the server (compiled once here for both modes: the woven
# methods are the same in `off`, where the advice returns early).
# Needs: wrk, curl, taskset, a built tree (mvn -B install -DskipTests).
# Knobs: ROUNDS (20) SLICE (3) WARMUP (15, seconds per mode, server and kind) KINDS LOAD_SERVERS
# SERVER_CPUS (1) CLIENT_CPUS (0) CONNS (16) AGENT OUT
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
ROUNDS="${ROUNDS:-20}"; SLICE="${SLICE:-3}"; WARMUP="${WARMUP:-15}"; CONNS="${CONNS:-16}"
SERVER_CPUS="${SERVER_CPUS:-1}"; CLIENT_CPUS="${CLIENT_CPUS:-0}"
KINDS=(${KINDS:-origin-correct origin-reflect no-origin})
SERVERS=(${LOAD_SERVERS:-servlet netty})
MODES=(off correct)
OUT="${OUT:-$ROOT/agent/src/jmh/results/toggle-$(date -u +%Y%m%dT%H%M%SZ)}"
AGENT="${AGENT:-$ROOT/agent/target/corsguard-agent.jar}"
APP="$ROOT/demo-app/target/demo-app.jar"
# shellcheck source=load-lib.sh
. "$ROOT/agent/src/jmh/load-lib.sh"
SP=18580; NP=18581
port_of() { [ "$1" = servlet ] && echo $SP || echo $NP; }
WRK_PIN=(taskset -c "$CLIENT_CPUS")
run_wrk() { # port kind seconds
    wrk_kind "$1" "$2" -t1 -c"$CONNS" -d"$3"s --latency
}
CFG="$OUT/corsguard.properties"
LOG="$OUT/server.log"
# the demo's configuration with this run's mode and a fast reload
set_mode() {
    { grep -v '^corsguard\.mode=\|^corsguard\.reload\.interval=' "$ROOT/demo-app/corsguard.properties"
      echo "corsguard.mode=$1"; echo "corsguard.reload.interval=1s"; } > "$CFG.tmp"
    mv "$CFG.tmp" "$CFG"
}
# waits until the agent has logged the reload to `mode` (the n-th "reloaded" line)
wait_mode() {
    local want=$1 mode=$2 deadline=$((SECONDS + 30))
    until [ "$(grep -c 'configuration reloaded: mode=' "$LOG" || true)" -ge "$want" ]; do
        [ $SECONDS -lt $deadline ] || { echo "no reload to $mode" >&2; tail "$LOG" >&2; exit 1; }
        sleep 0.1
    done
    grep 'configuration reloaded: mode=' "$LOG" | tail -1 | grep -q "mode=$mode" \
        || { echo "reloaded to the wrong mode (want $mode)" >&2; exit 1; }
}
set_mode off
taskset -c "$SERVER_CPUS" java "-javaagent:$AGENT=config=$CFG" -jar "$APP" --serve --servlet-port $SP \
    --netty-port $NP > "$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
wait_ready $PID "$LOG" $(for sv in "${SERVERS[@]}"; do port_of "$sv"; done)
{
    echo "# date: $(date -u +%FT%TZ) host: nproc=$(nproc) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
    echo "# java: $(java -version 2>&1 | head -1)"
    echo "# one JVM, modes ${MODES[*]} switched by reload; rounds=$ROUNDS slice=${SLICE}s warmup=${WARMUP}s conns=$CONNS"
    echo "# agent: $AGENT ($(sha256sum "$AGENT" | cut -c1-12))"
} > "$OUT/env.txt"
reloads=0
switch() { # mode
    set_mode "$1"
    # the file's modification time has a second's resolution on some file systems: a reload
    # within the same second as the last one could be missed, so wait for the agent to log it
    reloads=$((reloads + 1))
    wait_mode $reloads "$1"
}
sleep 1.1; switch correct; sleep 1.1; switch off
echo "warming up: ${WARMUP}s per mode, server and kind"
for m in "${MODES[@]}" "${MODES[@]}"; do
    sleep 1.1; switch "$m"
    for sv in "${SERVERS[@]}"; do for k in "${KINDS[@]}"; do run_wrk "$(port_of "$sv")" "$k" $((WARMUP / 2)) > /dev/null; done; done
done
ab_header
for ((r = 1; r <= ROUNDS; r++)); do
    for ((i = 0; i < 2; i++)); do
        m="${MODES[$(((i + r) % 2))]}"
        sleep 1.1; switch "$m"
        for sv in "${SERVERS[@]}"; do
            for kind in "${KINDS[@]}"; do
                ab_slice "$r" "$i" "$m" "$sv" "$kind" "$PID" "$(port_of "$sv")"
            done
        done
    done
done
# the agent's shutdown summary goes to the log
kill $PID; wait $PID 2>/dev/null || true
trim_server_log "$LOG" run-toggle
echo "raw numbers in $OUT (summarize: agent/src/jmh/summarize-ab.py $OUT off)"
