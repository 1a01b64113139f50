package io.corsguard.bootstrap;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Small pure helpers for inlined advice, which cannot call methods of its own (hidden) class.
 * Only java.* types, so they are unit-testable and reachable from any class loader.
 */
public final class AdviceSupport {

    /** The lines of a response without CORS header (length 0, never written to). */
    public static final String[] NO_LINES = new String[0];

    private AdviceSupport() {
    }

    /**
     * All lines of one request header joined with {@code ", "}, as Fetch combines repeated
     * headers; {@code null} for none. Several {@code Origin} lines thus become one value the
     * policy cannot mistake for a single trusted origin.
     */
    public static String join(List<String> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() == 1) {
            return values.get(0);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(values.get(i));
        }
        return sb.toString();
    }

    /**
     * The facts of a request with {@code Origin}, read in one walk over its header lines (HTTP/1
     * and HTTP/2 advice alike) instead of a lookup per name: every line of {@code Origin} and
     * {@code Access-Control-Request-Method/-Headers} joined as Fetch combines them (two Origins
     * are untrusted), and whether {@code Cookie} or {@code Authorization} is present. Names are
     * matched by length first, then case-insensitively.
     */
    public static CapturedRequest captureRequest(Iterator<? extends Map.Entry<? extends CharSequence, ? extends CharSequence>> lines,
                                                 String method, String path) {
        String origin = null;
        String requestMethod = null;
        String requestHeaders = null;
        boolean credentialsHint = false;
        while (lines.hasNext()) {
            Map.Entry<? extends CharSequence, ? extends CharSequence> e = lines.next();
            CharSequence name = e.getKey();
            int n = name == null ? 0 : name.length();
            if (n == 6) {
                if (asciiEqualsIgnoreCase(name, "origin")) {
                    origin = appendValue(origin, e.getValue());
                } else if (asciiEqualsIgnoreCase(name, "cookie")) {
                    credentialsHint = true;
                }
            } else if (n == 13) {
                credentialsHint |= asciiEqualsIgnoreCase(name, "authorization");
            } else if (n == 29) {
                if (asciiEqualsIgnoreCase(name, "access-control-request-method")) {
                    requestMethod = appendValue(requestMethod, e.getValue());
                }
            } else if (n == 30) {
                if (asciiEqualsIgnoreCase(name, "access-control-request-headers")) {
                    requestHeaders = appendValue(requestHeaders, e.getValue());
                }
            }
        }
        return new CapturedRequest(origin, method, path, requestMethod, requestHeaders, credentialsHint);
    }

    /** {@code name} equals {@code lower} (lower-case ASCII, same length checked by the caller) ignoring ASCII case. */
    private static boolean asciiEqualsIgnoreCase(CharSequence name, String lower) {
        for (int i = 0; i < lower.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code joined} with one more line of the same header appended after {@code ", "} (the
     * {@link #join} of all lines, built as they are read); the value itself for the first line.
     * A {@code null} value counts as empty.
     */
    public static String appendValue(String joined, CharSequence value) {
        String v = value == null ? "" : value.toString();
        return joined == null ? v : joined + ", " + v;
    }

    /**
     * A header name as HTTP/2 requires it on the wire: lower case (RFC 9113 §8.2.1; Netty's
     * validating {@code Http2Headers} rejects upper case, and they compare names case-sensitively).
     */
    public static String lowerName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return name.toLowerCase(java.util.Locale.ROOT);
            }
        }
        return name;
    }

    /** An HTTP/2 {@code :status} value as a number, {@code -1} when absent or not three digits. */
    public static int statusCode(CharSequence status) {
        if (status == null || status.length() != 3) {
            return -1;
        }
        int code = 0;
        for (int i = 0; i < 3; i++) {
            char c = status.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            code = code * 10 + (c - '0');
        }
        return code;
    }

    /**
     * The path of a request target: query and fragment dropped; for the absolute form
     * ({@code http://host/p?q}, sent to proxies) the part from the first {@code /} after the
     * authority, {@code /} when there is none.
     */
    public static String pathOf(String uri) {
        if (uri == null) {
            return null;
        }
        int start = 0;
        if (!uri.startsWith("/")) {
            int scheme = uri.indexOf("://");
            if (scheme > 0) {
                int slash = uri.indexOf('/', scheme + 3);
                int query = firstOf(uri, scheme + 3);
                if (slash < 0 || (query >= 0 && query < slash)) {
                    return "/";
                }
                start = slash;
            }
        }
        int end = firstOf(uri, start);
        if (start == 0 && end < 0) {
            return uri;
        }
        return uri.substring(start, end < 0 ? uri.length() : end);
    }

    private static int firstOf(String uri, int from) {
        // two vectorized indexOf scans beat one charAt loop on these short strings
        int query = uri.indexOf('?', from);
        int fragment = uri.indexOf('#', from);
        return query < 0 ? fragment : fragment < 0 ? query : Math.min(query, fragment);
    }

    /**
     * The CORS lines of a response's headers ({@link CorsGuardBridge#isCorsHeader}: every
     * {@code Access-Control-*} and {@code Vary} line, in order), as name/value pairs for
     * {@link CorsGuardBridge#decide}; {@link #NO_LINES} when there is none. The array may have
     * unused slots at its end: {@link #lineCount} gives the pairs it holds. Shared by the Netty
     * HTTP/1.1 and HTTP/2 advice, and kept out of them: the loop is not copied into the
     * encoder's own method, which stays small.
     */
    public static String[] corsLines(Iterator<? extends Map.Entry<? extends CharSequence, ? extends CharSequence>> headers) {
        String[] lines = null;
        int count = 0;
        while (headers.hasNext()) {
            Map.Entry<? extends CharSequence, ? extends CharSequence> e = headers.next();
            CharSequence name = e.getKey();
            // pre-filter before toString(); HTTP/2 pseudo-headers start with ':' and never pass
            if (!mayBeCorsHeader(name)) {
                continue;
            }
            String n = name.toString();
            if (CorsGuardBridge.isCorsHeader(n)) {
                CharSequence v = e.getValue();
                lines = addLine(lines, count, n, v == null ? null : v.toString());
                count++;
            }
        }
        return lines == null ? NO_LINES : lines;
    }

    /** The name/value pairs {@link #corsLines} put in {@code lines}: up to its first unused slot. */
    public static int lineCount(String[] lines) {
        int count = 0;
        while (2 * count + 1 < lines.length && lines[2 * count] != null) {
            count++;
        }
        return count;
    }

    /** Cheap pre-filter before {@code toString()}: could this name be a CORS header? */
    public static boolean mayBeCorsHeader(CharSequence name) {
        if (name == null) {
            return false;
        }
        int n = name.length();
        if (n == 4) {
            char c = name.charAt(0);
            return c == 'v' || c == 'V';
        }
        return n > 15 && (name.charAt(0) == 'a' || name.charAt(0) == 'A');
    }

    /**
     * Appends one name/value pair to {@code lines} (pairs {@code [n0, v0, ...]}, {@code count}
     * used), growing it when full; returns the array to use from now on.
     */
    public static String[] addLine(String[] lines, int count, String name, String value) {
        String[] out = lines;
        if (out == null) {
            out = new String[8]; // four lines: a typical CORS response has two or three
        } else if (2 * count + 2 > out.length) {
            out = new String[out.length * 2];
            System.arraycopy(lines, 0, out, 0, 2 * count);
        }
        out[2 * count] = name;
        out[2 * count + 1] = value;
        return out;
    }

    /** A header value safe to write: no CR or LF, which would split the response head. */
    public static boolean isSafeValue(String value) {
        // String.indexOf(int) is a vectorized intrinsic; a charAt loop is several times slower
        return value.indexOf('\n') < 0 && value.indexOf('\r') < 0;
    }
}
