package io.corsguard.config;

/** Key {@code log.format}: how violation reports are written. */
public enum LogFormat implements Labeled {
    /** One human-readable line per violation (the default). */
    TEXT("text"),
    /** One JSON object per line, fields as in DESIGN.md section 3. */
    JSON("json");

    private final String label;

    LogFormat(String label) {
        this.label = label;
    }

    /** The value as written in the configuration. */
    @Override
    public String label() {
        return label;
    }
}
