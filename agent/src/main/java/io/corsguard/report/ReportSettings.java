package io.corsguard.report;

import java.util.Locale;

/**
 * What the reporter needs from the configuration ({@code log.format}, {@code log.file},
 * {@code log.level}, {@code report.dedupe-window}), already parsed. Immutable.
 */
public final class ReportSettings {

    /** {@code log.format}: one human line, or one JSON object per line (DESIGN §3). */
    public enum Format {
        TEXT, JSON;

        /** {@code text} or {@code json}, any case. */
        public static Format parse(String value) {
            if (value != null) {
                String v = value.trim().toLowerCase(Locale.ROOT);
                if (v.equals("text")) {
                    return TEXT;
                }
                if (v.equals("json")) {
                    return JSON;
                }
            }
            throw new IllegalArgumentException("log.format: expected text or json, got " + value);
        }
    }

    /** The values {@code log.level} accepts. */
    private static final String[] LEVELS = {"trace", "debug", "info", "warn", "error", "off"};

    private final Format format;
    private final String logFile;
    private final String logLevel;
    private final long dedupeWindowMillis;

    /**
     * @param format             violation line format
     * @param logFile            file the violation lines are appended to; {@code null} or empty for
     *                           stderr (agent messages always go to stderr)
     * @param logLevel           the agent's own level: {@code trace|debug|info|warn|error|off}; it
     *                           does not filter violation lines, which are the product
     * @param dedupeWindowMillis identical violations within this many milliseconds are folded into
     *                           one line with a count; {@code 0} logs every occurrence
     */
    public ReportSettings(Format format, String logFile, String logLevel, long dedupeWindowMillis) {
        if (format == null) {
            throw new IllegalArgumentException("log.format: expected text or json");
        }
        if (dedupeWindowMillis < 0) {
            throw new IllegalArgumentException("report.dedupe-window: expected a duration >= 0, got "
                + dedupeWindowMillis + " ms");
        }
        this.format = format;
        this.logFile = logFile == null || logFile.trim().isEmpty() ? null : logFile.trim();
        this.logLevel = checkLevel(logLevel);
        this.dedupeWindowMillis = dedupeWindowMillis;
    }

    /** The DESIGN §2 defaults: text to stderr, level info, 60 s dedupe window. */
    public static ReportSettings defaults() {
        return new ReportSettings(Format.TEXT, null, "info", 60_000L);
    }

    private static String checkLevel(String level) {
        String l = level == null ? "info" : level.trim().toLowerCase(Locale.ROOT);
        for (String known : LEVELS) {
            if (known.equals(l)) {
                return known;
            }
        }
        throw new IllegalArgumentException("log.level: expected one of trace, debug, info, warn, error, off, got "
            + level);
    }

    public Format format() {
        return format;
    }

    /** The violation log file, or {@code null} for stderr. */
    public String logFile() {
        return logFile;
    }

    /** Lower-case level name. */
    public String logLevel() {
        return logLevel;
    }

    public long dedupeWindowMillis() {
        return dedupeWindowMillis;
    }

    @Override
    public String toString() {
        return "log.format=" + format.name().toLowerCase(Locale.ROOT) + ", log.file="
            + (logFile == null ? "(stderr)" : logFile) + ", log.level=" + logLevel
            + ", report.dedupe-window=" + dedupeWindowMillis + "ms";
    }
}
