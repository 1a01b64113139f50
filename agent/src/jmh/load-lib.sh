# Functions and set-up shared by run-load.sh and run-ab.sh (sourced; not a script of its own).
# They read the callers' ROOT, APP, OUT, AGENT, BASE_AGENT, ALT_AGENT and OTEL_JAR.

TRUSTED="https://app.example.com"
UNTRUSTED="https://evil.example"

command -v wrk >/dev/null || { echo "wrk not found (apt-get install -y wrk)" >&2; exit 1; }
[ -f "$AGENT" ] && [ -f "$APP" ] || { echo "build first: mvn -B install -DskipTests" >&2; exit 1; }
mkdir -p "$OUT"
CLK_TCK="$(getconf CLK_TCK)"

# The JVM arguments of one configuration: none, off/monitor/correct (AGENT), base-* (BASE_AGENT),
# alt-* (ALT_AGENT), otel (the OpenTelemetry agent, every exporter "none").
jvm_args() {
    # a ".tag" suffix names another instance of the same configuration (correct.1, correct.2, ...),
    # told apart only by its JVM_ARGS_<config>, e.g. the switch of an ablation build
    local c="${1%%.*}"
    case "$c" in
        none) ;;
        off|monitor|correct) echo "-javaagent:$AGENT=config=$ROOT/demo-app/corsguard.properties;mode=$c" ;;
        base-off|base-monitor|base-correct)
            # another build of the agent (BASE_AGENT), for before/after comparisons in one run
            [ -f "${BASE_AGENT:-}" ] || { echo "BASE_AGENT not set or missing: ${BASE_AGENT:-}" >&2; exit 1; }
            echo "-javaagent:$BASE_AGENT=config=$ROOT/demo-app/corsguard.properties;mode=${c#base-}" ;;
        alt-off|alt-monitor|alt-correct)
            # a third build (ALT_AGENT): two candidate changes against the same base in one run
            [ -f "${ALT_AGENT:-}" ] || { echo "ALT_AGENT not set or missing: ${ALT_AGENT:-}" >&2; exit 1; }
            echo "-javaagent:$ALT_AGENT=config=$ROOT/demo-app/corsguard.properties;mode=${c#alt-}" ;;
        otel)
            [ -f "$OTEL_JAR" ] || { echo "OpenTelemetry agent jar not found: $OTEL_JAR" >&2; exit 1; }
            echo "-javaagent:$OTEL_JAR -Dotel.traces.exporter=none -Dotel.metrics.exporter=none -Dotel.logs.exporter=none -Dotel.service.name=demo" ;;
        *) echo "unknown configuration $1" >&2; exit 1 ;;
    esac
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# "jit gc" ticks of the JVM's compiler and garbage-collector threads (utime+stime of each
# /proc/<pid>/task/*/stat by its name): how much of a window's CPU was not request work.
# The name is parenthesised and may hold spaces, so fields are counted after the last ')'.
cpu_split() {
    local jit=0 gc=0 t name rest
    for t in /proc/"$1"/task/*; do
        name=$(cat "$t/comm" 2>/dev/null) || continue
        rest=$(sed 's/.*) //' "$t/stat" 2>/dev/null) || continue
        set -- $rest
        case "$name" in
            C1\ Compiler*|C2\ Compiler*) jit=$((jit + ${12} + ${13})) ;;
            GC\ Thread*|G1\ *|VM\ Thread) gc=$((gc + ${12} + ${13})) ;;
        esac
    done
    echo "$jit $gc"
}

# wrk latency "123.45us" / "1.23ms" / "1.02s" -> ms
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.4f", n }'; }

# wrk against the demo app for one request kind: origin-correct (a trusted Origin on /api/correct,
# answered with credentials as the standard wants), origin-reflect (an untrusted Origin on
# /api/reflect, which the demo reflects with credentials: correct mode strips them), no-origin
# (/api/correct without Origin). The caller's wrk options follow the kind; WRK_PIN (an array,
# e.g. taskset -c 0) runs wrk pinned.
WRK_PIN=()
wrk_kind() { # port kind [wrk options...] -> wrk output on stdout
    local port=$1 kind=$2
    shift 2
    case "$kind" in
        origin-correct) "${WRK_PIN[@]}" wrk "$@" -H "Origin: $TRUSTED" -H "Cookie: session=demo" "http://127.0.0.1:$port/api/correct" ;;
        origin-reflect) "${WRK_PIN[@]}" wrk "$@" -H "Origin: $UNTRUSTED" -H "Cookie: session=demo" "http://127.0.0.1:$port/api/reflect" ;;
        no-origin) "${WRK_PIN[@]}" wrk "$@" "http://127.0.0.1:$port/api/correct" ;;
        *) echo "unknown kind $kind" >&2; exit 1 ;;
    esac
}

# The columns of ab.tsv (run-ab.sh, run-toggle.sh; read by summarize-ab.py), and one row of it:
# a SLICE-second run_wrk (the caller's) against port, with the server's CPU ticks over it and how
# many of them were its JIT and GC threads'. The row is printed and appended to $OUT/ab.tsv.
ab_header() {
    printf 'round\tposition\tconfig\tserver\tkind\trequests\tseconds\treq_per_s\tp50_ms\tp99_ms\tcpu_ticks\tcpu_us_per_req\tnon2xx\tsocket_errors\tjit_ticks\tgc_ticks\tloadavg1\n' > "$OUT/ab.tsv"
}
ab_slice() { # round position config server kind pid port
    local j0 g0 j1 g1 t0 t1 w reqs secs rps p50 p99 non2xx serr ticks cpr
    read -r j0 g0 <<<"$(cpu_split "$6")"
    t0=$(cpu_ticks "$6")
    w=$(run_wrk "$7" "$5" "$SLICE")
    t1=$(cpu_ticks "$6")
    read -r j1 g1 <<<"$(cpu_split "$6")"
    reqs=$(awk '/requests in/ {print $1}' <<<"$w")
    secs=$(awk '/requests in/ {gsub(/s,/, "", $4); print $4}' <<<"$w")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$w")
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$w")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$w")")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$w"); non2xx=${non2xx:-0}
    serr=$(awk '/Socket errors/ {print $0}' <<<"$w" | tr -s ' ' | sed 's/.*errors: //'); serr=${serr:-0}
    ticks=$((t1 - t0))
    cpr=$(awk -v t="$ticks" -v hz="$CLK_TCK" -v n="$reqs" 'BEGIN { printf "%.3f", (n > 0 ? t * 1e6 / hz / n : 0) }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" \
        "$reqs" "$secs" "$rps" "$p50" "$p99" "$ticks" "$cpr" "$non2xx" "$serr" "$((j1 - j0))" "$((g1 - g0))" \
        "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/ab.tsv"
}

# The demo's Netty handler logs a warning with a stack trace each time wrk closes a connection
# (at the end of every wrk run: hundreds per run): cut them from a server's log, keep the rest
# (the agent's lines and summary), and say how many were cut and by which script.
trim_server_log() { # file script-name
    local n
    n=$(grep -c 'Connection reset$' "$1" || true)
    { grep -v '^[[:space:]]*at \|^java.net.SocketException\|exceptionCaught\|^[A-Z][a-z][a-z] [0-9][0-9], 20[0-9][0-9] .* io.netty' "$1" || true
      echo "# ($2: $n Netty 'Connection reset' warnings with stack traces, from wrk closing its connections at the end of each run, were cut from this log)"
    } > "$1.tmp" && mv "$1.tmp" "$1"
}

# Waits until the demo app answers on each port; if its JVM ends first, shows its log and exits.
wait_ready() { # pid log port...
    local pid=$1 log=$2 port
    shift 2
    for port in "$@"; do
        until curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/api/correct"; do
            kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
            sleep 0.1
        done
    done
}
