package io.corsguard.policy;

/** How bad a violation is, as reported in the {@code severity} log field. */
public enum Severity {
    SECURITY("security"), BREAKAGE("breakage"), HYGIENE("hygiene");

    private final String label;

    Severity(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
