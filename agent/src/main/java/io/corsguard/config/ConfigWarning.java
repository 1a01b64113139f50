package io.corsguard.config;

/**
 * A configuration-time warning (cors-rules.md, codes CG101-CG104): the configuration is valid but
 * trusts more than its author probably meant. Logged once at start and on each reload.
 */
public final class ConfigWarning {
    private final String code;
    private final String entry;
    private final String risk;

    ConfigWarning(String code, String entry, String risk) {
        this.code = code;
        this.entry = entry;
        this.risk = risk;
    }

    /** {@code CG101} ... {@code CG104}. */
    public String code() {
        return code;
    }

    /** The {@code allowed-origins} entry as written; for CG102 the literal origin {@code "null"}. */
    public String entry() {
        return entry;
    }

    /** The risk, without code and entry. */
    public String risk() {
        return risk;
    }

    /** One line: {@code CG101 allowed-origins entry 'http://app.example.com': <risk>}. */
    public String message() {
        StringBuilder sb = new StringBuilder(code).append(' ');
        if ("CG102".equals(code)) {
            sb.append("allow-null-origin=true");
        } else {
            sb.append("allowed-origins entry '");
            ConfigError.escape(entry, sb);
            sb.append('\'');
        }
        return sb.append(": ").append(risk).toString();
    }

    @Override
    public String toString() {
        return message();
    }
}
