package io.corsguard.report;

import io.corsguard.policy.Decision;
import io.corsguard.policy.HeaderLines;
import io.corsguard.policy.Outcome;
import io.corsguard.policy.RequestFacts;
import io.corsguard.policy.Violation;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The violation log (DESIGN §3), the agent's own messages, counters and learned origins.
 *
 * <p>{@code log.file} is written through a private logback context ({@link LogFile}), never through
 * slf4j's {@code LoggerFactory}: the agent jar sits on the application's class path, and logback's
 * default lookup would read the application's {@code logback.xml} (and the application's slf4j
 * would see ours). In the agent jar slf4j and logback are relocated under
 * {@code io.corsguard.shaded}. Nothing here touches the application's logging or system
 * properties, and logback's own status messages are silenced. Lines for stderr (agent messages,
 * and violation lines without {@code log.file}) are written directly, one write per line: without
 * {@code log.file} no logback class is loaded, which keeps ~130 classes off the JVM's start.
 *
 * <p>Violation lines go to {@code log.file} or stderr regardless of {@code log.level}; agent
 * messages ({@code [corsguard] LEVEL message}) always go to stderr, filtered by {@code log.level}.
 *
 * <p>Thread-safe. No background thread: expired dedupe windows are swept by callers, and
 * {@link #flush()} / {@link #close()} write what is still pending.
 */
public final class Reporter implements AutoCloseable {
    /** Longest agent message line (before the stack trace), escaped. */
    private static final int MAX_MESSAGE = 8192;
    private static final int MAX_FRAMES = 64;
    private static final int MAX_CAUSES = 8;
    private static final String DEFAULT_CONSEQUENCE = "the response went out as written";

    private static final int TRACE = 0;
    private static final int DEBUG = 1;
    private static final int INFO = 2;
    private static final int WARN = 3;
    private static final int ERROR = 4;
    private static final int OFF = 5;
    private static final String[] LEVEL_NAMES = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"};

    private final ReportSettings settings;
    /**
     * Only with {@code log.file}, else {@code null}: lines for stderr are written directly, since
     * building a logback context costs ~130 classes at the JVM's start.
     */
    private final LogFile logFile;
    /** Agent messages below this level ({@code log.level}) are not written. */
    private final int agentLevel;
    private volatile boolean closed;
    private final LineFormat format;
    private final Dedupe dedupe;
    private final Counters counters;
    private final LearnedOrigins learned;
    private final LongSupplier clock;
    private final PrintStream err;

    private Reporter(ReportSettings settings, PrintStream err, LongSupplier clock, int maxDedupeKeys,
                     Counters counters, LearnedOrigins learned) {
        this.settings = settings;
        this.clock = clock;
        this.err = err;
        this.counters = counters;
        this.learned = learned;
        this.format = new LineFormat(settings.format());
        this.agentLevel = level(settings.logLevel());
        LogFile opened = settings.logFile() == null ? null : LogFile.open(settings.logFile());
        this.logFile = opened;
        if (settings.logFile() != null && opened == null) {
            agentLine(WARN, "cannot open log.file " + LineFormat.textEscaped(settings.logFile(), MAX_MESSAGE)
                + "; violation reports go to stderr");
        }

        this.dedupe = new Dedupe(settings.dedupeWindowMillis(), format, new Dedupe.Sink() {
            @Override
            public void write(String body, long count, boolean folded) {
                writeLine(body, count, folded);
            }
        }, counters, clock, maxDedupeKeys);
    }

    /** Starts a reporter writing to stderr (and {@code log.file}) with the wall clock. */
    public static Reporter start(ReportSettings settings) {
        return fresh(settings, null, System::currentTimeMillis, Dedupe.MAX_KEYS);
    }

    /** For tests: stderr replaced by {@code err}, an injectable clock and dedupe cap. */
    static Reporter start(ReportSettings settings, PrintStream err, LongSupplier clock, int maxDedupeKeys) {
        return fresh(settings, err, clock, maxDedupeKeys);
    }

    private static Reporter fresh(ReportSettings settings, PrintStream err, LongSupplier clock, int maxDedupeKeys) {
        Counters counters = new Counters();
        return new Reporter(settings, err, clock, maxDedupeKeys, counters, counters.learned());
    }

    /**
     * A reporter for new settings (configuration reload) that keeps this one's counters and
     * learned origins. This one is flushed and closed; lines written to it after that are lost.
     */
    public Reporter restart(ReportSettings newSettings) {
        Reporter next = new Reporter(newSettings, err, clock, Dedupe.MAX_KEYS, counters, learned);
        close();
        return next;
    }

    public ReportSettings settings() {
        return settings;
    }

    /** Counts one judged response (every response to a request with {@code Origin}). */
    public void responseJudged() {
        counters.countJudged();
    }

    /**
     * Reports the violations of one response, one line per violation (dedupe permitting), and
     * counts them by rule and action. The {@code action} field is the violation's correction: the
     * one applied in correct mode, the one that would be applied in monitor mode. Counts the
     * response as corrected when {@code corrected} is given and the decision's patch is not empty.
     *
     * @param mode      {@code monitor} or {@code correct}
     * @param server    server family ({@code servlet}, {@code netty}, ...)
     * @param request   the request facts
     * @param written   the CORS header lines as the app wrote them
     * @param corrected the lines as sent in correct mode; {@code null} when nothing was corrected
     *                  (monitor mode): the JSON {@code corrected} field is then {@code null}
     * @param decision  the policy's decision; {@code null} or without violations: nothing to do
     */
    public void violations(String mode, String server, RequestFacts request, HeaderLines written,
                           HeaderLines corrected, Decision decision) {
        violations(mode, server, request, written, corrected, decision, null);
    }

    /**
     * {@link #violations(String, String, RequestFacts, HeaderLines, HeaderLines, Decision)} for a
     * response the decision memo judged ({@code outcome} holds {@code decision}; {@code null}: not
     * memoized): the dedupe windows its violations are counted into are kept with the outcome, so
     * the next response with the same outcome, server and path bumps them directly (BENCHMARKS.md
     * section 11).
     */
    public void violations(String mode, String server, RequestFacts request, HeaderLines written,
                           HeaderLines corrected, Decision decision, Outcome outcome) {
        violations(mode, server, request, written, corrected, decision, outcome, false);
    }

    /**
     * {@link #violations(String, String, RequestFacts, HeaderLines, HeaderLines, Decision, Outcome)},
     * where {@code counted} says the response was counted on its outcome ({@link
     * Outcome#countResponse()}): then only its lines are reported here, and the counters get it
     * when the outcome is folded in ({@link Counters#add}).
     */
    public void violations(String mode, String server, RequestFacts request, HeaderLines written,
                           HeaderLines corrected, Decision decision, Outcome outcome, boolean counted) {
        if (decision == null || request == null) {
            return;
        }
        List<Violation> vs = decision.violations();
        int n = vs.size();
        if (n == 0) {
            return;
        }
        if (!counted) {
            // corrected lines are given exactly in correct mode
            counters.violations(decision, corrected != null);
        }
        if (outcome == null) {
            dedupe.record(mode, server, request, vs, written, corrected, null);
            return;
        }
        OutcomeCache cache = OutcomeCache.of(outcome.reportCache());
        Dedupe.Window[] hint = cache.windowsFor(server, request.path());
        Dedupe.Window[] used = dedupe.record(mode, server, request, vs, written, corrected, hint);
        if (used != null && used != hint) {
            outcome.reportCache(cache.withWindows(server, request.path(), used));
        }
    }

    /**
     * Records that a response to {@code origin} left with {@code Access-Control-Allow-Credentials:
     * true}: the engine's two steps ({@link #learnedCounter}, {@link Counters#credentialsSent}) in
     * one, without an outcome. For this package's tests; the engine always has an outcome.
     */
    void credentialsSent(String origin) {
        learned.credentialsSent(origin);
    }

    /**
     * Where the responses with a memoized {@code outcome} that send credentials are counted for
     * the learned origins ({@link Counters#credentialsSent}): the origin's counter, looked up (and
     * the origin registered) once and kept on the outcome ({@link Outcome#learnedCounter()}). A
     * response counted on its outcome ({@link Outcome#countResponse()}) is then counted here when
     * the outcome's count is folded in, with no lookup and no update of its own: a live server
     * sends the same few origins credentials on most of its responses (BENCHMARKS.md sections 11
     * and 16). Call it before counting the response on the outcome, so that a count the outcome
     * hands over always finds its counter.
     */
    public Object learnedCounter(String origin, Outcome outcome) {
        Object counter = outcome.learnedCounter();
        if (counter == null) {
            counter = learned.counterFor(origin);
            outcome.learnedCounter(counter);
        }
        return counter;
    }

    /**
     * Origins that were sent credentials, with counts, sorted. Origins with control characters,
     * quotes, backslashes or non-ASCII are shown text-escaped; longer than 300 characters, cut.
     * At most 1000 distinct origins are kept ({@code learned-origins.overflow} counts the rest).
     */
    public Map<String, Long> learnedOrigins() {
        return counters.learnedOrigins();
    }

    /** An {@code allowed-origins=} line from the learned origins that are serialized http(s) origins. */
    public String suggestedAllowedOrigins() {
        return learned.suggestedAllowedOrigins();
    }

    public Counters counters() {
        return counters;
    }

    public boolean debugEnabled() {
        return agentLevel <= DEBUG;
    }

    public void debug(String message) {
        if (agentLevel <= DEBUG) {
            agentLine(DEBUG, LineFormat.textEscaped(message, MAX_MESSAGE));
        }
    }

    public void info(String message) {
        if (agentLevel <= INFO) {
            agentLine(INFO, LineFormat.textEscaped(message, MAX_MESSAGE));
        }
    }

    public void warn(String message) {
        if (agentLevel <= WARN) {
            agentLine(WARN, LineFormat.textEscaped(message, MAX_MESSAGE));
        }
    }

    public void error(String message) {
        if (agentLevel <= ERROR) {
            agentLine(ERROR, LineFormat.textEscaped(message, MAX_MESSAGE));
        }
    }

    /** {@link #agentFailure(String, Throwable, String)} for {@code on-error=pass}. */
    public void agentFailure(String kind, Throwable failure) {
        agentFailure(kind, failure, DEFAULT_CONSEQUENCE);
    }

    /**
     * Counts a failure of the agent itself ({@code error.<kind>}); only the first of each kind is
     * logged, with its stack trace, so a failure on every request cannot flood the log.
     *
     * @param kind        where it failed ({@code netty-encode}, {@code servlet-commit}, ...)
     * @param consequence what happened to the response, e.g. "the response went out as written"
     */
    public void agentFailure(String kind, Throwable failure, String consequence) {
        String k = kind == null ? Counters.OTHER_KIND : kind;
        if (!counters.error(k) || agentLevel > ERROR) {
            return;
        }
        StringBuilder sb = new StringBuilder(512);
        sb.append("agent error in ");
        LineFormat.textEscape(sb, k, sb.length(), 256);
        sb.append(" (first of its kind; ");
        LineFormat.textEscape(sb, consequence == null ? DEFAULT_CONSEQUENCE : consequence, sb.length(), 1024);
        sb.append(')');
        if (failure != null) {
            sb.append(": ");
            stackTrace(sb, failure);
        }
        agentLine(ERROR, sb.toString());
    }

    /** Like {@link Throwable#printStackTrace}, but every line escaped and bounded. */
    private static void stackTrace(StringBuilder sb, Throwable t) {
        Throwable cur = t;
        for (int depth = 0; cur != null && depth < MAX_CAUSES; depth++) {
            if (depth > 0) {
                sb.append("\nCaused by: ");
            }
            LineFormat.textEscape(sb, String.valueOf(cur), sb.length(), 2048);
            StackTraceElement[] frames = cur.getStackTrace();
            int n = Math.min(frames.length, MAX_FRAMES);
            for (int i = 0; i < n; i++) {
                sb.append("\n\tat ");
                LineFormat.textEscape(sb, String.valueOf(frames[i]), sb.length(), 1024);
            }
            if (frames.length > n) {
                sb.append("\n\t... ").append(frames.length - n).append(" more");
            }
            Throwable next = cur.getCause();
            cur = next == cur ? null : next;
        }
    }

    /** Writes every pending folded count now. */
    public void flush() {
        dedupe.flush();
    }

    /** Flushes and stops the private logging context (closing {@code log.file}). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            dedupe.flush();
        } finally {
            closed = true;
            if (logFile != null) {
                logFile.close();
            }
        }
    }

    private void writeLine(String body, long count, boolean folded) {
        counters.lineWritten();
        String line = format.line(body, clock.getAsLong(), count, folded);
        if (logFile != null) {
            logFile.write(line);
        } else {
            write(line);
        }
    }

    /** {@code [corsguard] LEVEL message} on stderr. */
    private void agentLine(int level, String message) {
        write("[corsguard] " + LEVEL_NAMES[level] + " " + message);
    }

    /**
     * One line to stderr ({@code System.err} at each write, so a later {@code System.setErr} is
     * honoured) or, for tests, to {@code err}: one write of the UTF-8 bytes, flushed. Nothing
     * after {@link #close()}.
     */
    private void write(String line) {
        if (closed) {
            return;
        }
        byte[] bytes = (line + System.lineSeparator()).getBytes(StandardCharsets.UTF_8);
        PrintStream out = err != null ? err : System.err;
        out.write(bytes, 0, bytes.length);
        out.flush();
    }

    /** {@code log.level} as logback's {@code Level.toLevel} read it: {@code all}, {@code off}, unknown names mean info. */
    private static int level(String name) {
        for (int i = 0; i < LEVEL_NAMES.length; i++) {
            if (LEVEL_NAMES[i].equalsIgnoreCase(name)) {
                return i;
            }
        }
        if ("all".equalsIgnoreCase(name)) {
            return TRACE;
        }
        return "off".equalsIgnoreCase(name) ? OFF : INFO;
    }

}
