package io.corsguard.config;

/** Key {@code mode}: what the agent does with a violation. */
public enum Mode implements Labeled {
    /** Report violations, change nothing (the default). */
    MONITOR("monitor"),
    /** Report and correct (see the invariant of correct mode in cors-rules.md). */
    CORRECT("correct"),
    /** Do nothing at all: advice returns at once. */
    OFF("off");

    private final String label;

    Mode(String label) {
        this.label = label;
    }

    /** The value as written in the configuration. */
    @Override
    public String label() {
        return label;
    }
}
