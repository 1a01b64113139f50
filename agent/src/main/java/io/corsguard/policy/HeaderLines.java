package io.corsguard.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The response's CORS-relevant header lines ({@code Access-Control-*} and {@code Vary}) in the
 * order the app wrote them, duplicates included, plus the status code. Immutable.
 */
public final class HeaderLines {
    private final int status;
    private final String[] names;
    private final String[] values;

    private HeaderLines(int status, String[] names, String[] values) {
        this.status = status;
        this.names = names;
        this.values = values;
    }

    /** From name/value pairs {@code [n0, v0, n1, v1, ...]}, the first {@code count} pairs. */
    public static HeaderLines ofPairs(int status, String[] pairs, int count) {
        String[] n = new String[count];
        String[] v = new String[count];
        for (int i = 0; i < count; i++) {
            n[i] = pairs[2 * i];
            v[i] = pairs[2 * i + 1] == null ? "" : pairs[2 * i + 1];
        }
        return new HeaderLines(status, n, v);
    }

    /** Convenience for tests: {@code of(200, "Access-Control-Allow-Origin", "*", ...)}. */
    public static HeaderLines of(int status, String... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("name/value pairs expected");
        }
        return ofPairs(status, pairs, pairs.length / 2);
    }

    public int status() {
        return status;
    }

    public int size() {
        return names.length;
    }

    public String name(int i) {
        return names[i];
    }

    public String value(int i) {
        return values[i];
    }

    /** All values of lines named {@code name} (case-insensitive), in order. */
    public List<String> values(String name) {
        List<String> out = null;
        for (int i = 0; i < names.length; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(values[i]);
            }
        }
        return out == null ? Collections.<String>emptyList() : out;
    }

    /** The lines as {@code name: value} strings, for reports and tests. */
    public List<String> asLines() {
        List<String> out = new ArrayList<>(names.length);
        for (int i = 0; i < names.length; i++) {
            out.add(names[i] + ": " + values[i]);
        }
        return out;
    }

    /** This response after {@code patch} is applied (what correct mode sends). */
    public HeaderLines apply(HeaderPatch patch) {
        if (patch == null || patch.isEmpty()) {
            return this;
        }
        // arrays sized for the worst case (nothing removed), then trimmed: no lists on the hot path
        String[] ops = patch.operationsShared();
        String[] n = Arrays.copyOf(names, names.length + ops.length / 2);
        String[] v = Arrays.copyOf(values, n.length);
        int size = names.length;
        for (int i = 0; i < ops.length; i += 2) {
            if (ops[i + 1] == null) {
                int kept = 0;
                for (int j = 0; j < size; j++) {
                    if (!n[j].equalsIgnoreCase(ops[i])) {
                        n[kept] = n[j];
                        v[kept] = v[j];
                        kept++;
                    }
                }
                size = kept;
            } else {
                n[size] = ops[i];
                v[size] = ops[i + 1];
                size++;
            }
        }
        return new HeaderLines(status, size == n.length ? n : Arrays.copyOf(n, size),
            size == v.length ? v : Arrays.copyOf(v, size));
    }
}
