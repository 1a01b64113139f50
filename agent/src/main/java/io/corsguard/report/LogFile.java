package io.corsguard.report;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.status.NopStatusListener;
import java.nio.charset.StandardCharsets;

/**
 * {@code log.file}: violation lines through a private logback context (see {@link Reporter}),
 * wired by hand: no Joran, no ServiceLoader, no system properties. A class of its own so that
 * without {@code log.file} not even the verifier loads a logback type.
 */
final class LogFile {
    private final LoggerContext context;
    private final Logger logger;

    private LogFile(LoggerContext context, Logger logger) {
        this.context = context;
        this.logger = logger;
    }

    /** The file opened for appending, or {@code null} when it cannot be opened. */
    static LogFile open(String file) {
        LoggerContext context = new LoggerContext();
        context.setName("corsguard");
        // logback reads the MDC from its context; left unset, every append fails with an NPE
        context.setMDCAdapter(new NoMdc());
        // a listener present means logback never falls back to printing its status on errors
        context.getStatusManager().add(new NopStatusListener());
        context.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.OFF);

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n%nopex");
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setName("report-file");
        appender.setContext(context);
        appender.setFile(file);
        appender.setAppend(true);
        appender.setEncoder(encoder);
        appender.start();
        if (!appender.isStarted()) {
            context.stop();
            return null;
        }
        Logger report = context.getLogger("corsguard.report");
        report.setAdditive(false);
        report.setLevel(Level.INFO);
        report.addAppender(appender);
        return new LogFile(context, report);
    }

    void write(String line) {
        logger.info(line);
    }

    /** Flushes and closes the file. */
    void close() {
        context.stop();
    }
}
