#!/usr/bin/env bash
# Load and start-up benchmark of the demo app under five configurations (issue 9, parts 2 and 3):
#   none     no agent
#   off      CorsGuard, mode=off
#   monitor  CorsGuard, mode=monitor
#   correct  CorsGuard, mode=correct
#   otel     OpenTelemetry Java agent, all exporters "none" (reference cost of a mainstream agent)
#
# Load: each round starts every configuration in turn (the order rotates by one each round, so
# no configuration always runs first or last), warms it up, then drives the servlet (Tomcat 11)
# and the Netty 4.2 server of the demo app with wrk on loopback, one request kind at a time:
#   origin-correct  GET /api/correct  Origin: https://app.example.com (trusted) + Cookie  (compliant)
#   origin-reflect  GET /api/reflect  Origin: https://evil.example (untrusted) + Cookie   (violates: CG003, CG007)
#   no-origin       GET /api/correct  without Origin
# For each run: requests/s, p50/p99 latency (wrk --latency) and the server's CPU time
# (utime+stime of /proc/<pid>/stat, all threads) over the measured window, per request.
# Start-up: JVM start (just before exec) to the first 200 from BOTH servers, polled with curl
# every 10 ms; STARTUP_RUNS runs per configuration, alternated the same way.
#
# Raw numbers go to $OUT/load.tsv and $OUT/startup.tsv; summarize.py turns them into medians.
# Needs: wrk (Debian package "wrk"), curl, a built tree (mvn -B install -DskipTests), and the
# OpenTelemetry agent jar (OTEL_JAR, default: the local Maven repository; fetch it with
#   mvn dependency:get -Dartifact=io.opentelemetry.javaagent:opentelemetry-javaagent:2.10.0 -Dtransitive=false).
#
# Environment knobs: ROUNDS (3) DURATION (10, seconds) THREADS (2) CONNS (32) WARMUP (8, seconds
# per server and request kind; with 1 s, the JIT compilers still used up to 1.5 s of CPU in the
# first 5 s window, a fifth of it: jit_ticks / gc_ticks and request_cpu_us_per_req in load.tsv show
# how much of each window was compilation and GC rather than requests) STARTUP_RUNS (10) CONFIGS ("none off monitor correct otel")
# KINDS ("origin-correct origin-reflect no-origin") LOAD_SERVERS ("servlet netty"): what the load section runs
# SKIP_LOAD=1 / SKIP_STARTUP=1 OUT (agent/src/jmh/results/<utc timestamp>)
# RATE (unset: saturation; a number: requests/s paced below saturation, see paced.lua)
# READY_TIMEOUT (60 s: how long a server may take to answer). SKIP_ATTACH=1 / SKIP_MEMORY=1, ATTACH_RUNS (5), MEMORY_CONFIGS ("none correct"), WARMUP_MEM (5),
# MEMORY_REQUESTS (1000000 per server); see the attach and memory sections below.
# BASE_AGENT: a second agent jar (e.g. built from an earlier commit); configurations base-off,
# base-monitor, base-correct run it, so before/after start in the same alternation. ALT_AGENT:
# a third jar, configurations alt-off, alt-monitor, alt-correct. AGENT: the jar behind off,
# monitor, correct (default: agent/target/corsguard-agent.jar).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10}"
THREADS="${THREADS:-2}"
CONNS="${CONNS:-32}"
WARMUP="${WARMUP:-8}"
STARTUP_RUNS="${STARTUP_RUNS:-10}"
CONFIGS=(${CONFIGS:-none off monitor correct otel})
OTEL_VERSION="${OTEL_VERSION:-2.10.0}"
OTEL_JAR="${OTEL_JAR:-$HOME/.m2/repository/io/opentelemetry/javaagent/opentelemetry-javaagent/$OTEL_VERSION/opentelemetry-javaagent-$OTEL_VERSION.jar}"
OUT="${OUT:-$ROOT/agent/src/jmh/results/$(date -u +%Y%m%dT%H%M%SZ)}"
AGENT="${AGENT:-$ROOT/agent/target/corsguard-agent.jar}"
APP="$ROOT/demo-app/target/demo-app.jar"
SP=18080
NP=18081

# shellcheck source=load-lib.sh
. "$ROOT/agent/src/jmh/load-lib.sh"


PID=""
start_app() { # config logfile
    # shellcheck disable=SC2046
    java $(jvm_args "$1") -jar "$APP" --serve --servlet-port "$SP" --netty-port "$NP" >"$2" 2>&1 &
    PID=$!
}

stop_app() {
    if [ -n "$PID" ]; then
        kill "$PID" 2>/dev/null || true
        wait "$PID" 2>/dev/null || true
        PID=""
    fi
}
trap stop_app EXIT

ok() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$1/api/correct")" = 200 ]; }

wait_ready() { # -> 0 when both servers answer 200 within 60 s
    local deadline=$((SECONDS + ${READY_TIMEOUT:-60})) s=0 n=0
    while [ $SECONDS -lt $deadline ]; do
        [ $s = 1 ] || { ok "$SP" && s=1; } || true
        [ $n = 1 ] || { ok "$NP" && n=1; } || true
        [ $s = 1 ] && [ $n = 1 ] && return 0
        kill -0 "$PID" 2>/dev/null || return 1
        sleep 0.01
    done
    return 1
}


# RATE (requests/s over all connections): pace each connection with paced.lua (a random wait of
# mean CONNS/RATE s before each request) to measure latency and CPU below saturation; unset: wrk
# sends back to back (saturation). Paced, the rate reached is a little below RATE (the response
# time and wrk's millisecond timers add to each wait); it is measured, as always.
PACE=()
if [ -n "${RATE:-}" ]; then
    export PACE_MS; PACE_MS=$(awk -v c="$CONNS" -v r="$RATE" 'BEGIN { printf "%.4f", c * 1000 / r }')
    PACE=(-s "$ROOT/agent/src/jmh/paced.lua")
fi

run_wrk() { # port kind duration -> wrk output on stdout
    wrk_kind "$1" "$2" "${PACE[@]}" -t"$THREADS" -c"$CONNS" -d"$3"s --latency
}


KINDS=(${KINDS:-origin-correct origin-reflect no-origin})
SERVERS=()
for sv in ${LOAD_SERVERS:-servlet netty}; do
    case "$sv" in servlet) SERVERS+=("servlet:$SP") ;; netty) SERVERS+=("netty:$NP") ;; esac
done

{
    echo "# date: $(date -u +%FT%TZ)"
    echo "# host: nproc=$(nproc) cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "# java: $(java -version 2>&1 | head -2 | tr '\n' ' ')"
    echo "# wrk: $(wrk -v 2>&1 | head -1)"
    echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "# rounds=$ROUNDS duration=${DURATION}s threads=$THREADS conns=$CONNS warmup=${WARMUP}s per server and kind"
    echo "# rate: ${RATE:-saturation (back to back)}${RATE:+ requests/s paced by paced.lua, PACE_MS=$PACE_MS per connection}"
} > "$OUT/env.txt"
cat "$OUT/env.txt"

if [ "${SKIP_LOAD:-0}" != 1 ]; then
    printf 'round\tconfig\tserver\tkind\trequests\tseconds\treq_per_s\tp50_ms\tp99_ms\tcpu_ticks\tcpu_us_per_req\tnon2xx\tsocket_errors\tloadavg1\tjit_ticks\tgc_ticks\trequest_cpu_us_per_req\n' > "$OUT/load.tsv"
    n=${#CONFIGS[@]}
    for ((r = 1; r <= ROUNDS; r++)); do
        for ((i = 0; i < n; i++)); do
            cfg="${CONFIGS[$(((i + r - 1) % n))]}"
            start_app "$cfg" "$OUT/server-$cfg-round$r.log"
            wait_ready || { echo "round $r $cfg: server did not start" >&2; cat "$OUT/server-$cfg-round$r.log" >&2; exit 1; }
            for sv in "${SERVERS[@]}"; do
                for kind in "${KINDS[@]}"; do
                    run_wrk "${sv#*:}" "$kind" "$WARMUP" >/dev/null
                done
            done
            for sv in "${SERVERS[@]}"; do
                server="${sv%%:*}"; port="${sv#*:}"
                for kind in "${KINDS[@]}"; do
                    read -r j0 g0 <<<"$(cpu_split "$PID")"
                    t0=$(cpu_ticks "$PID")
                    w=$(run_wrk "$port" "$kind" "$DURATION")
                    t1=$(cpu_ticks "$PID")
                    read -r j1 g1 <<<"$(cpu_split "$PID")"
                    reqs=$(echo "$w" | awk '/requests in/ {print $1}')
                    secs=$(echo "$w" | awk '/requests in/ {gsub(/s,/, "", $4); print $4}')
                    rps=$(echo "$w" | awk '/Requests\/sec/ {print $2}')
                    p50=$(to_ms "$(echo "$w" | awk '$1 == "50%" {print $2}')")
                    p99=$(to_ms "$(echo "$w" | awk '$1 == "99%" {print $2}')")
                    non2xx=$(echo "$w" | awk '/Non-2xx/ {print $NF}'); non2xx=${non2xx:-0}
                    serr=$(echo "$w" | awk '/Socket errors/ {print $0}' | tr -s ' ' | sed 's/.*errors: //'); serr=${serr:-0}
                    ticks=$((t1 - t0))
                    cpr=$(awk -v t="$ticks" -v hz="$CLK_TCK" -v n="$reqs" 'BEGIN { printf "%.2f", (n > 0 ? t * 1e6 / hz / n : 0) }')
                    la=$(cut -d' ' -f1 /proc/loadavg)
                    jit=$((j1 - j0)); gc=$((g1 - g0))
                    # CPU per request without the JIT compilers and the GC: the request work itself
                    rcpr=$(awk -v t="$((ticks - jit - gc))" -v hz="$CLK_TCK" -v n="$reqs" 'BEGIN { printf "%.2f", (n > 0 ? t * 1e6 / hz / n : 0) }')
                    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$cfg" "$server" "$kind" \
                        "$reqs" "$secs" "$rps" "$p50" "$p99" "$ticks" "$cpr" "$non2xx" "$serr" "$la" "$jit" "$gc" "$rcpr" | tee -a "$OUT/load.tsv"
                done
            done
            stop_app
        done
    done
fi

if [ "${SKIP_STARTUP:-0}" != 1 ]; then
    printf 'run\tconfig\tms_to_first_200_both\tcpu_ms_at_ready\tloadavg1\n' > "$OUT/startup.tsv"
    n=${#CONFIGS[@]}
    for ((r = 1; r <= STARTUP_RUNS; r++)); do
        for ((i = 0; i < n; i++)); do
            cfg="${CONFIGS[$(((i + r - 1) % n))]}"
            t0=$(date +%s%N)
            start_app "$cfg" "$OUT/startup-$cfg.log"
            wait_ready || { echo "start-up run $r $cfg: server did not start" >&2; exit 1; }
            t1=$(date +%s%N)
            # CPU time the JVM used until then (all threads): steadier than wall time when other
            # processes compete for the two cores
            cpu_ms=$(( $(cpu_ticks "$PID") * 1000 / CLK_TCK ))
            stop_app
            printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$cfg" "$(((t1 - t0) / 1000000))" "$cpu_ms" "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/startup.tsv"
        done
    done
fi
# Dynamic attach: the demo app starts without an agent and serves requests of every kind; then
# the clock starts just before `java -jar corsguard-agent.jar attach <pid> config=...;mode=correct`
# and stops at the first response of each server to the violating request (untrusted Origin
# reflected with ACAC: true) that comes back without Access-Control-Allow-Credentials, i.e.
# corrected. Polled back to back (curl), so the figure includes one request's round trip.
has_acac() { # port -> 0 when the origin-reflect response carries ACAC
    curl -s -D - -o /dev/null --max-time 2 -H "Origin: $UNTRUSTED" -H "Cookie: session=demo" \
        "http://127.0.0.1:$1/api/reflect" | tr -d '\r' | grep -qi '^access-control-allow-credentials: true'
}

if [ "${SKIP_ATTACH:-0}" != 1 ]; then
    printf 'run\tcli_ms\tservlet_ms_to_first_corrected\tnetty_ms_to_first_corrected\tcli_output\tloadavg1\n' > "$OUT/attach.tsv"
    for ((r = 1; r <= ${ATTACH_RUNS:-5}; r++)); do
        start_app none "$OUT/attach-server-$r.log"
        wait_ready || { echo "attach run $r: server did not start" >&2; exit 1; }
        for sv in "${SERVERS[@]}"; do
            for kind in "${KINDS[@]}"; do
                run_wrk "${sv#*:}" "$kind" 1 >/dev/null
            done
            has_acac "${sv#*:}" || { echo "attach run $r: ${sv%%:*} corrected before the attach?" >&2; exit 1; }
        done
        t0=$(date +%s%N)
        java -jar "$AGENT" attach "$PID" "config=$ROOT/demo-app/corsguard.properties" "mode=correct" > "$OUT/attach-cli-$r.txt" 2>&1 &
        cli=$!
        ts=""; tn=""; tc=""
        deadline=$((SECONDS + 60))
        while [ -z "$ts" ] || [ -z "$tn" ] || [ -z "$tc" ]; do
            [ $SECONDS -lt $deadline ] || { echo "attach run $r: no corrected response within 60 s" >&2; exit 1; }
            if [ -z "$tc" ] && ! kill -0 "$cli" 2>/dev/null; then
                wait "$cli" || { echo "attach run $r: attach failed" >&2; cat "$OUT/attach-cli-$r.txt" >&2; exit 1; }
                tc=$(date +%s%N)
            fi
            [ -n "$ts" ] || has_acac "$SP" || ts=$(date +%s%N)
            [ -n "$tn" ] || has_acac "$NP" || tn=$(date +%s%N)
        done
        stop_app
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$(((tc - t0) / 1000000))" "$(((ts - t0) / 1000000))" "$(((tn - t0) / 1000000))" \
            "$(head -1 "$OUT/attach-cli-$r.txt")" "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/attach.tsv"
    done
fi

# Memory: per configuration (MEMORY_CONFIGS, default "none correct"), a fresh server, warmed up
# with every request kind on both servers (WARMUP_MEM seconds each); then heap in use after a
# full GC (jcmd GC.run, then GC.heap_info) and the resident set (VmRSS of /proc/<pid>/status).
# Then MEMORY_REQUESTS (1 M) more requests per server with Origin (half trusted/compliant, half
# untrusted/corrected), the same measurements, and a class histogram after a full GC: the
# agent's classes (io.corsguard.*, not the demo's io.corsguard.demo.*) are listed with their
# instance counts after warm-up and after the million, in memory-histo-<config>-{warm,1m}.txt.
heap_used_kb() { # pid -> KB in use after a full GC
    jcmd "$1" GC.run >/dev/null
    jcmd "$1" GC.heap_info | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); print v; exit } }'
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
agent_histo() { # pid file: agent classes, instances and bytes, after a full GC
    jcmd "$1" GC.class_histogram | awk '$4 ~ /^io\.corsguard\./ && $4 !~ /^io\.corsguard\.demo\./ {print $2, $3, $4}' > "$2"
}
drive() { # port kind requests -> runs wrk in 5 s slices until that many requests were served
    local done_=0 n
    while [ "$done_" -lt "$3" ]; do
        n=$(run_wrk "$1" "$2" 5 | awk '/requests in/ {print $1}')
        done_=$((done_ + n))
    done
    echo "$done_"
}

if [ "${SKIP_MEMORY:-0}" != 1 ]; then
    printf 'config\tphase\trequests_per_server\theap_used_kb\trss_kb\tagent_instances\tloadavg1\n' > "$OUT/memory.tsv"
    MEMORY_REQUESTS="${MEMORY_REQUESTS:-1000000}"
    for cfg in ${MEMORY_CONFIGS:-none correct}; do
        start_app "$cfg" "$OUT/memory-server-$cfg.log"
        wait_ready || { echo "memory $cfg: server did not start" >&2; exit 1; }
        for sv in "${SERVERS[@]}"; do
            for kind in "${KINDS[@]}"; do
                run_wrk "${sv#*:}" "$kind" "${WARMUP_MEM:-5}" >/dev/null
            done
        done
        heap=$(heap_used_kb "$PID"); rss=$(rss_kb "$PID")
        agent_histo "$PID" "$OUT/memory-histo-$cfg-warm.txt"
        printf '%s\twarm\t-\t%s\t%s\t%s\t%s\n' "$cfg" "$heap" "$rss" "$(awk '{s += $1} END {print s + 0}' "$OUT/memory-histo-$cfg-warm.txt")" \
            "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/memory.tsv"
        served=""
        for sv in "${SERVERS[@]}"; do
            a=$(drive "${sv#*:}" origin-correct $((MEMORY_REQUESTS / 2)))
            b=$(drive "${sv#*:}" origin-reflect $((MEMORY_REQUESTS / 2)))
            served="$served${served:+/}$((a + b))"
        done
        heap=$(heap_used_kb "$PID"); rss=$(rss_kb "$PID")
        agent_histo "$PID" "$OUT/memory-histo-$cfg-1m.txt"
        printf '%s\tafter-1m\t%s\t%s\t%s\t%s\t%s\n' "$cfg" "$served" "$heap" "$rss" "$(awk '{s += $1} END {print s + 0}' "$OUT/memory-histo-$cfg-1m.txt")" \
            "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/memory.tsv"
        stop_app
        grep -h 'summary' "$OUT/memory-server-$cfg.log" >> "$OUT/memory-agent-summary.txt" || true
    done
fi
echo "raw numbers in $OUT"
