package io.corsguard.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The response's CORS-relevant header lines ({@code Access-Control-*} and {@code Vary}) in the
 * order the app wrote them, duplicates included, plus the status code. Immutable.
 */
public final class HeaderLines {
    private final int status;
    /** {@code [n0, v0, n1, v1, ...]}; a {@code null} value reads as "". */
    private final String[] pairs;
    private final int count;

    private HeaderLines(int status, String[] pairs, int count) {
        this.status = status;
        this.pairs = pairs;
        this.count = count;
    }

    /**
     * From name/value pairs {@code [n0, v0, n1, v1, ...]}, the first {@code count} pairs. The array
     * is kept, not copied (every judged response comes through here): the caller hands it over
     * and never writes to it again.
     */
    public static HeaderLines ofPairs(int status, String[] pairs, int count) {
        return new HeaderLines(status, pairs, count);
    }

    /** Convenience for tests: {@code of(200, "Access-Control-Allow-Origin", "*", ...)}. */
    public static HeaderLines of(int status, String... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("name/value pairs expected");
        }
        return ofPairs(status, pairs.clone(), pairs.length / 2);
    }

    /** The caller's array, for the memo's key (package only; a {@code null} value reads as empty elsewhere). */
    String[] pairs() {
        return pairs;
    }

    public int status() {
        return status;
    }

    public int size() {
        return count;
    }

    public String name(int i) {
        if (i >= count) {
            throw new ArrayIndexOutOfBoundsException(i);
        }
        return pairs[2 * i];
    }

    public String value(int i) {
        if (i >= count) {
            throw new ArrayIndexOutOfBoundsException(i);
        }
        String v = pairs[2 * i + 1];
        return v == null ? "" : v;
    }

    /** All values of lines named {@code name} (case-insensitive), in order. */
    public List<String> values(String name) {
        List<String> out = null;
        for (int i = 0; i < count; i++) {
            if (name(i).equalsIgnoreCase(name)) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(value(i));
            }
        }
        return out == null ? Collections.<String>emptyList() : out;
    }

    /** The lines as {@code name: value} strings, for reports and tests. */
    public List<String> asLines() {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(name(i) + ": " + value(i));
        }
        return out;
    }

    /**
     * {@code Access-Control-Allow-Credentials: true} among the lines: the response lets the
     * browser expose it to a credentialed request (Fetch, CORS check: the value must be exactly
     * {@code true}, byte-case-sensitive).
     */
    public boolean allowsCredentials() {
        for (int i = 0; i < count; i++) {
            if ("true".equals(value(i)) && "Access-Control-Allow-Credentials".equalsIgnoreCase(name(i))) {
                return true;
            }
        }
        return false;
    }

    /** This response after {@code patch} is applied (what correct mode sends). */
    public HeaderLines apply(HeaderPatch patch) {
        if (patch == null || patch.isEmpty()) {
            return this;
        }
        // one pairs array sized for the worst case (nothing removed): no lists on the hot path
        String[] ops = patch.operationsShared();
        String[] out = new String[2 * count + ops.length];
        int size = 0;
        for (int i = 0; i < count; i++) {
            out[2 * size] = name(i);
            out[2 * size + 1] = value(i);
            size++;
        }
        for (int i = 0; i < ops.length; i += 2) {
            if (ops[i + 1] == null) {
                int kept = 0;
                for (int j = 0; j < size; j++) {
                    if (!out[2 * j].equalsIgnoreCase(ops[i])) {
                        out[2 * kept] = out[2 * j];
                        out[2 * kept + 1] = out[2 * j + 1];
                        kept++;
                    }
                }
                size = kept;
            } else {
                out[2 * size] = ops[i];
                out[2 * size + 1] = ops[i + 1];
                size++;
            }
        }
        return new HeaderLines(status, out, size);
    }
}
