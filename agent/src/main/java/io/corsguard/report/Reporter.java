package io.corsguard.report;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.status.NopStatusListener;
import io.corsguard.policy.Decision;
import io.corsguard.policy.HeaderLines;
import io.corsguard.policy.RequestFacts;
import io.corsguard.policy.Violation;
import org.slf4j.Logger;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The violation log (DESIGN §3), the agent's own messages, counters and learned origins.
 *
 * <p>Logging goes through a private logback {@link LoggerContext} built here, never through
 * slf4j's {@code LoggerFactory}: the agent jar sits on the application's class path, and logback's
 * default lookup would read the application's {@code logback.xml} (and the application's slf4j
 * would see ours). In the agent jar slf4j and logback are relocated under
 * {@code io.corsguard.shaded}. Nothing here touches the application's logging or system
 * properties, and logback's own status messages are silenced.
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

    private final ReportSettings settings;
    private final LoggerContext context;
    private final Logger violationLog;
    private final Logger agentLog;
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
        this.context = new LoggerContext();
        context.setName("corsguard");
        // logback reads the MDC from its context; left unset, every append fails with an NPE
        context.setMDCAdapter(new NoMdc());
        // a listener present means logback never falls back to printing its status on errors
        context.getStatusManager().add(new NopStatusListener());
        context.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.OFF);

        OutputStreamAppender<ILoggingEvent> stderr = appender("stderr", err, "[corsguard] %level %msg%n%nopex");
        ch.qos.logback.classic.Logger agent = context.getLogger("corsguard.agent");
        agent.setAdditive(false);
        agent.setLevel(Level.toLevel(settings.logLevel(), Level.INFO));
        agent.addAppender(stderr);
        this.agentLog = agent;

        ch.qos.logback.classic.Logger report = context.getLogger("corsguard.report");
        report.setAdditive(false);
        report.setLevel(Level.INFO);
        OutputStreamAppender<ILoggingEvent> reportOut = null;
        if (settings.logFile() != null) {
            reportOut = fileAppender(settings.logFile());
            if (reportOut == null) {
                agentLog.warn("cannot open log.file " + LineFormat.textEscaped(settings.logFile(), MAX_MESSAGE)
                    + "; violation reports go to stderr");
            }
        }
        report.addAppender(reportOut != null ? reportOut : appender("report-stderr", err, "%msg%n%nopex"));
        this.violationLog = report;

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
        return new Reporter(settings, err, clock, maxDedupeKeys, counters, new LearnedOrigins(counters));
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
        if (decision == null || request == null) {
            return;
        }
        List<Violation> vs = decision.violations();
        int n = vs.size();
        if (n == 0) {
            return;
        }
        if (corrected != null && !decision.patch().isEmpty()) {
            counters.countCorrected();
        }
        for (int i = 0; i < n; i++) {
            Violation v = vs.get(i);
            counters.violation(v.rule(), v.action());
            dedupe.record(mode, server, request, v, written, corrected);
        }
    }

    /** Records that a response to {@code origin} left with {@code Access-Control-Allow-Credentials: true}. */
    public void credentialsSent(String origin) {
        learned.credentialsSent(origin);
    }

    /**
     * Origins that were sent credentials, with counts, sorted. Origins with control characters,
     * quotes, backslashes or non-ASCII are shown text-escaped; longer than 300 characters, cut.
     * At most 1000 distinct origins are kept ({@code learned-origins.overflow} counts the rest).
     */
    public Map<String, Long> learnedOrigins() {
        return learned.snapshot();
    }

    /** An {@code allowed-origins=} line from the learned origins that are serialized http(s) origins. */
    public String suggestedAllowedOrigins() {
        return learned.suggestedAllowedOrigins();
    }

    public Counters counters() {
        return counters;
    }

    public boolean debugEnabled() {
        return agentLog.isDebugEnabled();
    }

    public void debug(String message) {
        if (agentLog.isDebugEnabled()) {
            agentLog.debug(LineFormat.textEscaped(message, MAX_MESSAGE));
        }
    }

    public void info(String message) {
        if (agentLog.isInfoEnabled()) {
            agentLog.info(LineFormat.textEscaped(message, MAX_MESSAGE));
        }
    }

    public void warn(String message) {
        if (agentLog.isWarnEnabled()) {
            agentLog.warn(LineFormat.textEscaped(message, MAX_MESSAGE));
        }
    }

    public void error(String message) {
        if (agentLog.isErrorEnabled()) {
            agentLog.error(LineFormat.textEscaped(message, MAX_MESSAGE));
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
        if (!counters.error(k) || !agentLog.isErrorEnabled()) {
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
        agentLog.error(sb.toString());
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
    public void close() {
        if (!context.isStarted()) {
            return;
        }
        try {
            dedupe.flush();
        } finally {
            context.stop();
        }
    }

    private void writeLine(String body, long count, boolean folded) {
        counters.lineWritten();
        violationLog.info(format.line(body, clock.getAsLong(), count, folded));
    }

    // ---- logback wiring, by hand: no Joran, no ServiceLoader, no system properties ----

    private PatternLayoutEncoder encoder(String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        return encoder;
    }

    /** Stderr ({@code System.err} at each write, so a later {@code System.setErr} is honoured) or, for tests, {@code out}. */
    private OutputStreamAppender<ILoggingEvent> appender(String name, PrintStream out, String pattern) {
        OutputStreamAppender<ILoggingEvent> a;
        if (out == null) {
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setTarget("System.err");
            a = console;
        } else {
            a = new OutputStreamAppender<>();
        }
        a.setName(name);
        a.setContext(context);
        a.setEncoder(encoder(pattern));
        if (out != null) {
            a.setOutputStream(new NonClosing(out));
        }
        a.start();
        return a;
    }

    private OutputStreamAppender<ILoggingEvent> fileAppender(String file) {
        FileAppender<ILoggingEvent> a = new FileAppender<>();
        a.setName("report-file");
        a.setContext(context);
        a.setFile(file);
        a.setAppend(true);
        a.setEncoder(encoder("%msg%n%nopex"));
        a.start();
        return a.isStarted() ? a : null;
    }

    /** Stopping our context must not close a stream we were handed. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
