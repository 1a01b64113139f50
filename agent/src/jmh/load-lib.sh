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
