package io.corsguard.config;

/**
 * One problem in the configuration. {@link #message()} is one line of the shape
 * {@code <source>[:<line>]: <key> = '<value>': <expected>}, for example
 * {@code /etc/cg.properties:7: corsguard.mode = 'corect': expected one of monitor, correct, off}
 * or {@code environment: CORSGUARD_MODE = 'corect': expected one of monitor, correct, off}.
 * Parts that do not apply are left out. Every variable part is escaped, so a value holding CR/LF
 * (from an environment variable, say) cannot forge a log line.
 */
public final class ConfigError {
    /** {@link #source()} of a {@code -Dcorsguard.*} system property. */
    public static final String SYSTEM_PROPERTY = "system property";
    /** {@link #source()} of a {@code CORSGUARD_*} environment variable. */
    public static final String ENVIRONMENT = "environment";
    /** {@link #source()} of a {@code -javaagent:...=} argument. */
    public static final String AGENT_ARGUMENT = "agent argument";

    /** Values longer than this are cut in messages: an error must stay one readable line. */
    static final int MAX_VALUE_CHARS = 200;

    private final String source;
    private final int line;
    private final String key;
    private final String keyAsWritten;
    private final String value;
    private final String expected;

    ConfigError(String source, int line, String key, String keyAsWritten, String value, String expected) {
        this.source = source;
        this.line = line;
        this.key = key;
        this.keyAsWritten = keyAsWritten;
        this.value = value;
        this.expected = expected;
    }

    /** The file path, or {@link #SYSTEM_PROPERTY}, {@link #ENVIRONMENT}, {@link #AGENT_ARGUMENT}. */
    public String source() {
        return source;
    }

    /** The 1-based line in the file (of the first line of a continued line); 0 outside a file. */
    public int line() {
        return line;
    }

    /** The key without prefix ({@code mode}), or null when the problem is not about a known key. */
    public String key() {
        return key;
    }

    /** The key as written in its layer ({@code corsguard.mode}, {@code CORSGUARD_MODE}, {@code mode}), or null. */
    public String keyAsWritten() {
        return keyAsWritten;
    }

    /** The offending value (for a list, the offending entry) as written, or null. */
    public String value() {
        return value;
    }

    /** What was expected instead, or what is wrong. */
    public String expected() {
        return expected;
    }

    /** One line, control characters escaped. */
    public String message() {
        StringBuilder sb = new StringBuilder();
        escape(source, sb);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (keyAsWritten != null) {
            escape(keyAsWritten, sb);
            if (value != null) {
                sb.append(" = '");
                escapeValue(value, sb);
                sb.append('\'');
            }
            sb.append(": ");
        } else if (value != null) {
            sb.append('\'');
            escapeValue(value, sb);
            sb.append("': ");
        }
        escape(expected, sb);
        return sb.toString();
    }

    @Override
    public String toString() {
        return message();
    }

    private static void escapeValue(String value, StringBuilder sb) {
        if (value.length() > MAX_VALUE_CHARS) {
            escape(value.substring(0, MAX_VALUE_CHARS), sb);
            sb.append("...(").append(value.length()).append(" chars)");
        } else {
            escape(value, sb);
        }
    }

    /** {@code s} with control characters as backslash escapes: r, n, t, and u00XX for the others. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        escape(s, sb);
        return sb.toString();
    }

    static void escape(String s, StringBuilder sb) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
                // C0/C1 controls (NEL is 0x85) and the Unicode line separators: log viewers may
                // break lines on any of them
                sb.append("\\u");
                String hex = Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT);
                for (int pad = hex.length(); pad < 4; pad++) {
                    sb.append('0');
                }
                sb.append(hex);
            } else {
                sb.append(c);
            }
        }
    }
}
