package io.corsguard.report;

import io.corsguard.policy.HeaderLines;
import io.corsguard.policy.RequestFacts;
import io.corsguard.policy.Violation;

/**
 * Renders violation lines (DESIGN §3) and escapes values. Every value that may come from a request
 * or from the app is escaped so the line stays one line of printable ASCII, and is cut at
 * {@link #MAX_VALUE} output characters so a hostile 8 KB {@code Origin} cannot bloat the log.
 *
 * <p>A line is built in two parts: the <em>body</em> (everything except {@code ts} and
 * {@code count}), which dedupe keeps for folded lines, and the frame added when it is written.
 * Only called when a line is actually written: no work here for folded occurrences.
 */
final class LineFormat {
    /** Longest escaped value (origin, path, method, one header line), in output characters. */
    static final int MAX_VALUE = 2048;
    /** Longest escaped header list (all lines of {@code headers} or {@code corrected}). */
    static final int MAX_LIST = 4096;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final boolean json;

    LineFormat(ReportSettings.Format format) {
        this.json = format == ReportSettings.Format.JSON;
    }

    boolean json() {
        return json;
    }

    /** The line without {@code ts} and {@code count}; see {@link #line}. */
    String body(String mode, String server, RequestFacts request, Violation v, HeaderLines written,
                HeaderLines corrected) {
        StringBuilder sb = new StringBuilder(256);
        if (json) {
            sb.append("\"rule\":\"").append(v.rule().code())
                .append("\",\"name\":\"").append(v.rule().ruleName())
                .append("\",\"severity\":\"").append(v.severity().label())
                .append("\",\"mode\":");
            jsonString(sb, mode);
            sb.append(",\"action\":\"").append(v.action().label()).append("\",\"server\":");
            jsonString(sb, server);
            sb.append(",\"method\":");
            jsonString(sb, request == null ? null : request.method());
            sb.append(",\"path\":");
            jsonString(sb, request == null ? null : request.path());
            sb.append(",\"origin\":");
            jsonString(sb, request == null ? null : request.origin());
            sb.append(",\"headers\":");
            jsonLines(sb, written);
            // Monitor mode sends nothing different: corrected is null there, never omitted, so
            // every line has exactly the contract's fields.
            sb.append(",\"corrected\":");
            jsonLines(sb, corrected);
        } else {
            sb.append(v.rule().code()).append(' ').append(v.rule().ruleName())
                .append(" [").append(v.severity().label()).append("] mode=");
            text(sb, mode);
            sb.append(" action=").append(v.action().label()).append(" server=");
            text(sb, server);
            sb.append(' ');
            text(sb, request == null ? null : request.method());
            sb.append(' ');
            text(sb, request == null ? null : request.path());
            sb.append(" origin=\"");
            text(sb, request == null ? null : request.origin());
            sb.append("\" headers=");
            textLines(sb, written);
            if (corrected != null) {
                sb.append(" corrected=");
                textLines(sb, corrected);
            }
        }
        return sb.toString();
    }

    /**
     * The full line: {@code ts} and {@code count} framed around {@code body}. In text format the
     * count is shown only on folded lines (the first occurrence is implicitly {@code count=1}).
     */
    String line(String body, long epochMillis, long count, boolean folded) {
        StringBuilder sb = new StringBuilder(body.length() + 64);
        if (json) {
            sb.append("{\"ts\":\"");
            Timestamps.appendIso(sb, epochMillis);
            sb.append("\",").append(body).append(",\"count\":").append(count).append('}');
        } else {
            sb.append("CORSGUARD ").append(body);
            if (folded) {
                sb.append(" count=").append(count);
            }
        }
        return sb.toString();
    }

    // ---- JSON (RFC 8259; additionally everything outside printable ASCII is \\u-escaped) ----

    static void jsonString(StringBuilder sb, String s) {
        if (s == null) {
            sb.append("null");
            return;
        }
        sb.append('"');
        jsonEscape(sb, s, sb.length(), MAX_VALUE);
        sb.append('"');
    }

    /**
     * Appends {@code s} JSON-escaped (without quotes). Stops once the output counted from
     * {@code start} reaches {@code limit} and appends a truncation marker instead.
     *
     * @return false when truncated
     */
    static boolean jsonEscape(StringBuilder sb, String s, int start, int limit) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (sb.length() - start >= limit) {
                marker(sb, n - i);
                return false;
            }
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                if (c == '"' || c == '\\') {
                    sb.append('\\');
                }
                sb.append(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else {
                // controls, DEL, U+2028/2029 (JavaScript line terminators) and all non-ASCII
                unicode(sb, c);
            }
        }
        return true;
    }

    private static void jsonLines(StringBuilder sb, HeaderLines lines) {
        if (lines == null) {
            sb.append("null");
            return;
        }
        sb.append('[');
        int listStart = sb.length();
        int n = lines.size();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            if (sb.length() - listStart >= MAX_LIST) {
                sb.append("\"...(+").append(n - i).append(" more lines)\"");
                break;
            }
            sb.append('"');
            int start = sb.length();
            if (jsonEscape(sb, lines.name(i), start, MAX_VALUE)) {
                sb.append(": ");
                jsonEscape(sb, lines.value(i), start, MAX_VALUE);
            }
            sb.append('"');
        }
        sb.append(']');
    }

    // ---- text: CR, LF, controls and non-ASCII become visible escapes ----

    static void text(StringBuilder sb, String s) {
        if (s == null) {
            sb.append('-');
            return;
        }
        textEscape(sb, s, sb.length(), MAX_VALUE);
    }

    /** Escapes for one text line; {@code \\} and {@code "} too, so every escape reads back unambiguously. */
    static boolean textEscape(StringBuilder sb, String s, int start, int limit) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (sb.length() - start >= limit) {
                marker(sb, n - i);
                return false;
            }
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                if (c == '"' || c == '\\') {
                    sb.append('\\');
                }
                sb.append(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c < 0x100) {
                sb.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                unicode(sb, c);
            }
        }
        return true;
    }

    /** {@link #textEscape} of a whole string, for agent messages and learned-origin keys. */
    static String textEscaped(String s, int limit) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), limit) + 16);
        textEscape(sb, s, 0, limit);
        return sb.toString();
    }

    private static void textLines(StringBuilder sb, HeaderLines lines) {
        sb.append('[');
        int listStart = sb.length();
        int n = lines == null ? 0 : lines.size();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(" | ");
            }
            if (sb.length() - listStart >= MAX_LIST) {
                sb.append("...(+").append(n - i).append(" more lines)");
                break;
            }
            int start = sb.length();
            if (textEscape(sb, lines.name(i), start, MAX_VALUE)) {
                sb.append(": ");
                textEscape(sb, lines.value(i), start, MAX_VALUE);
            }
        }
        sb.append(']');
    }

    private static void unicode(StringBuilder sb, char c) {
        sb.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf])
            .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
    }

    private static void marker(StringBuilder sb, int dropped) {
        sb.append("...(+").append(dropped).append(" chars)");
    }
}
