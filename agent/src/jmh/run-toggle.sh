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
run_wrk() { # port kind seconds
    local args=(-t1 -c"$CONNS" -d"$3"s --latency)
    case "$2" in
        origin-correct) taskset -c "$CLIENT_CPUS" wrk "${args[@]}" -H "Origin: $TRUSTED" -H "Cookie: session=demo" "http://127.0.0.1:$1/api/correct" ;;
        origin-reflect) taskset -c "$CLIENT_CPUS" wrk "${args[@]}" -H "Origin: $UNTRUSTED" -H "Cookie: session=demo" "http://127.0.0.1:$1/api/reflect" ;;
        no-origin) taskset -c "$CLIENT_CPUS" wrk "${args[@]}" "http://127.0.0.1:$1/api/correct" ;;
        *) echo "unknown kind $2" >&2; exit 1 ;;
    esac
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
for sv in "${SERVERS[@]}"; do
    until curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$(port_of "$sv")/api/correct"; do
        kill -0 $PID 2>/dev/null || { cat "$LOG" >&2; exit 1; }
        sleep 0.1
    done
done
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
printf 'round\tposition\tconfig\tserver\tkind\trequests\tseconds\treq_per_s\tp50_ms\tp99_ms\tcpu_ticks\tcpu_us_per_req\tnon2xx\tsocket_errors\tjit_ticks\tgc_ticks\tloadavg1\n' > "$OUT/ab.tsv"
for ((r = 1; r <= ROUNDS; r++)); do
    for ((i = 0; i < 2; i++)); do
        m="${MODES[$(((i + r) % 2))]}"
        sleep 1.1; switch "$m"
        for sv in "${SERVERS[@]}"; do
            for kind in "${KINDS[@]}"; do
                read -r j0 g0 <<<"$(cpu_split "$PID")"
                t0=$(cpu_ticks "$PID")
                w=$(run_wrk "$(port_of "$sv")" "$kind" "$SLICE")
                t1=$(cpu_ticks "$PID")
                read -r j1 g1 <<<"$(cpu_split "$PID")"
                reqs=$(awk '/requests in/ {print $1}' <<<"$w")
                secs=$(awk '/requests in/ {gsub(/s,/, "", $4); print $4}' <<<"$w")
                rps=$(awk '/Requests\/sec/ {print $2}' <<<"$w")
                p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$w")")
                p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$w")")
                non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$w"); non2xx=${non2xx:-0}
                serr=$(awk '/Socket errors/ {print $0}' <<<"$w" | tr -s ' ' | sed 's/.*errors: //'); serr=${serr:-0}
                ticks=$((t1 - t0))
                cpr=$(awk -v t="$ticks" -v hz="$CLK_TCK" -v n="$reqs" 'BEGIN { printf "%.3f", (n > 0 ? t * 1e6 / hz / n : 0) }')
                printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$i" "$m" "$sv" "$kind" \
                    "$reqs" "$secs" "$rps" "$p50" "$p99" "$ticks" "$cpr" "$non2xx" "$serr" "$((j1 - j0))" "$((g1 - g0))" \
                    "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/ab.tsv"
            done
        done
    done
done
# the agent's shutdown summary goes to the log; Netty's connection-reset warnings are cut (run-ab.sh)
kill $PID; wait $PID 2>/dev/null || true
n=$(grep -c 'Connection reset$' "$LOG" || true)
{ grep -v '^[[:space:]]*at \|^java.net.SocketException\|exceptionCaught\|^[A-Z][a-z][a-z] [0-9][0-9], 20[0-9][0-9] .* io.netty' "$LOG" || true
  echo "# (run-toggle: $n Netty 'Connection reset' warnings with stack traces were cut from this log)"
} > "$LOG.tmp" && mv "$LOG.tmp" "$LOG"
echo "raw numbers in $OUT (summarize: agent/src/jmh/summarize-ab.py $OUT off)"
