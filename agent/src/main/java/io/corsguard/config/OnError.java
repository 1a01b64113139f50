package io.corsguard.config;

/** Key {@code on-error}: what happens to a response when the agent itself fails on it. */
public enum OnError implements Labeled {
    /** The response goes out as the app wrote it (the default). */
    PASS("pass"),
    /** Credentials are removed, so a failure can never leak them. */
    STRIP("strip");

    private final String label;

    OnError(String label) {
        this.label = label;
    }

    /** The value as written in the configuration. */
    @Override
    public String label() {
        return label;
    }
}
