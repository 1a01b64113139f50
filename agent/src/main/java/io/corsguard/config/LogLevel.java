package io.corsguard.config;

/** Key {@code log.level}: the agent's own log level (not the violation reports). */
public enum LogLevel implements Labeled {
    /** Most verbose. */
    TRACE("trace"),
    /** Debug. */
    DEBUG("debug"),
    /** The default. */
    INFO("info"),
    /** Warnings and errors. */
    WARN("warn"),
    /** Errors only. */
    ERROR("error");

    private final String label;

    LogLevel(String label) {
        this.label = label;
    }

    /** The value as written in the configuration. */
    @Override
    public String label() {
        return label;
    }
}
